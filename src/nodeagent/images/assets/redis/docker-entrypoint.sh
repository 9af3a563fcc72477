#!/bin/sh
# ENTRYPOINT of Berth's redis catalog image, as docker-library/redis's: options or a .conf file alone mean
# "redis-server with these"; run as root, it hands the working directory (/data) to redis and drops to that user.
set -e
case "${1:-}" in
	-*|*.conf) set -- redis-server "$@" ;;
esac
if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
# Redis writes its files (RDB, AOF) readable by its user only, as the upstream image makes it.
um="$(umask)"
if [ "$um" = 0022 ]; then umask 0077; fi
exec "$@"
