#!/bin/sh
# ENTRYPOINT of Berth's node catalog image, as the upstream image's: an option, a script file, or anything that
# is not a command runs under node.
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
	set -- node "$@"
fi
exec "$@"
