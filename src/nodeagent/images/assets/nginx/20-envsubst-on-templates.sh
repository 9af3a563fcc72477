#!/bin/sh
# As the upstream nginx image's script of that name: each /etc/nginx/templates/*.template becomes a file in
# /etc/nginx/conf.d/ with the environment's variables substituted (only variables that are set, so nginx's own
# $variables stay).
set -e
template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
[ -d "$template_dir" ] || exit 0
if [ ! -w "$output_dir" ]; then
	echo "$0: ERROR: $template_dir exists, but $output_dir is not writable" >&2
	exit 0
fi
defined_envs=$(printf '${%s} ' $(env | cut -d= -f1))
find "$template_dir" -follow -type f -name "*$suffix" -print | while read -r template; do
	relative_path="${template#"$template_dir/"}"
	output_path="$output_dir/${relative_path%"$suffix"}"
	mkdir -p "$(dirname "$output_path")"
	echo "$0: Running envsubst on $template to $output_path"
	envsubst "$defined_envs" <"$template" >"$output_path"
done
