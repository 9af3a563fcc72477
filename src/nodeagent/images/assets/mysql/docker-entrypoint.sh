#!/bin/bash
# ENTRYPOINT of Berth's mysql:5.7 catalog image. It does what docker-library/mysql 5.7's docker-entrypoint.sh does
# (same environment variables, same order of steps, same log lines), with the host's MariaDB tools in place of
# MySQL 5.7's: mariadb-install-db instead of `mysqld --initialize-insecure`, setpriv instead of gosu.
set -eo pipefail
shopt -s nullglob

entrypoint_log() {
	local type="$1"; shift
	local text="$*"
	if [ "$#" -eq 0 ]; then text="$(cat)"; fi
	printf '%s [%s] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$type" "$text"
}
note() { entrypoint_log Note "$@"; }
warn() { entrypoint_log Warn "$@" >&2; }
fail() { entrypoint_log ERROR "$@" >&2; exit 1; }

# VAR or VAR_FILE (a file holding the value, e.g. a mounted Secret), never both.
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		fail "Both $var and $fileVar are set (but are exclusive)"
	fi
	local val="$def"
	if [ "${!var:-}" ]; then
		val="${!var}"
	elif [ "${!fileVar:-}" ]; then
		val="$(< "${!fileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar"
}

# --help, --version and friends run mysqld as asked, without touching the data directory.
wants_help() {
	local arg
	for arg; do
		case "$arg" in
			-'?'|--help|--print-defaults|-V|--version) return 0 ;;
		esac
	done
	return 1
}

# The configuration the server would run with (option files and command line), read once: `mysqld --verbose
# --help` fails when the configuration is broken, which is reported as upstream's entrypoint does.
read_server_config() {
	if [ -n "${_BERTH_MYSQL_DATADIR:-}" ]; then
		# Already read before switching to the mysql user.
		DATADIR=$_BERTH_MYSQL_DATADIR SOCKET=$_BERTH_MYSQL_SOCKET
		unset _BERTH_MYSQL_DATADIR _BERTH_MYSQL_SOCKET
		return
	fi
	local out err
	err="$(mktemp)"
	if ! out="$("$@" --verbose --help 2>"$err")"; then
		local msg
		msg="$(cat "$err")"
		rm -f "$err"
		fail $'mysqld failed while attempting to check config\n\tcommand was: '"$*"$'\n\t'"$msg"
	fi
	rm -f "$err"
	DATADIR="$(awk '/^datadir[ \t]/ { print $2; exit }' <<<"$out")"
	DATADIR="${DATADIR%/}"
	SOCKET="$(awk '/^socket[ \t]/ { print $2; exit }' <<<"$out")"
}

setup_env() {
	read_server_config "$@"
	file_env MYSQL_ROOT_HOST '%'
	file_env MYSQL_DATABASE
	file_env MYSQL_USER
	file_env MYSQL_PASSWORD
	file_env MYSQL_ROOT_PASSWORD
	DATABASE_ALREADY_EXISTS=
	if [ -d "$DATADIR/mysql" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

create_db_directories() {
	mkdir -p "$DATADIR"
	if [ -n "$SOCKET" ]; then mkdir -p "$(dirname "$SOCKET")"; fi
	if [ "$(id -u)" = 0 ]; then
		# The data directory may come from a volume or a clone restored by root: hand it to mysql.
		find "$DATADIR" \! -user mysql -exec chown mysql:mysql '{}' +
		if [ -n "$SOCKET" ]; then
			chown mysql:mysql "$(dirname "$SOCKET")"
			chmod 1777 "$(dirname "$SOCKET")"
		fi
	fi
}

verify_minimum_env() {
	if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ] && [ -z "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]; then
		fail $'Database is uninitialized and password option is not specified\n\tYou need to specify one of the following as an environment variable:\n\t- MYSQL_ROOT_PASSWORD\n\t- MYSQL_ALLOW_EMPTY_PASSWORD\n\t- MYSQL_RANDOM_ROOT_PASSWORD'
	fi
	if [ "$MYSQL_USER" = root ]; then
		fail $'MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user\n\tRemove MYSQL_USER="root" and use one of the following to control the root user password:\n\t- MYSQL_ROOT_PASSWORD\n\t- MYSQL_ALLOW_EMPTY_PASSWORD\n\t- MYSQL_RANDOM_ROOT_PASSWORD'
	fi
	if [ -n "$MYSQL_USER" ] && [ -z "$MYSQL_PASSWORD" ]; then
		warn 'MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created'
	elif [ -z "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
		warn 'MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored'
	fi
}

# The root password as an option file, so that it never shows on a command line.
root_passfile() {
	if [ -n "$MYSQL_ROOT_PASSWORD" ]; then
		local pw=${MYSQL_ROOT_PASSWORD//\\/\\\\}
		printf '[client]\npassword="%s"\n' "${pw//\"/\\\"}"
	fi
}

# Runs SQL from stdin against the temporary server, as root over its socket (with the root password once set).
process_sql() {
	if [ -n "$MYSQL_DATABASE" ] && [ "${1:-}" != --database=mysql ]; then
		set -- --database="$MYSQL_DATABASE" "$@"
	fi
	if [ -n "${ROOT_PASSWORD_SET:-}" ]; then
		# The process substitution must sit on the client's own command line: bash closes it after the command.
		mariadb --defaults-extra-file=<(root_passfile) --protocol=socket -uroot -hlocalhost --socket="$SOCKET" --comments "$@"
	else
		mariadb --no-defaults --protocol=socket -uroot -hlocalhost --socket="$SOCKET" --comments "$@"
	fi
}

init_database_dir() {
	note 'Initializing database files'
	# mariadb-install-db runs mariadbd itself: give it the defaults the mysqld wrapper would use, so that
	# MySQL-only options in /etc/mysql/conf.d (super-read-only) are mapped as they are for the server.
	mariadb-install-db --defaults-file="$(berth-mysqld-defaults)" --datadir="$DATADIR" \
		--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve "${@:2}" >/dev/null
	note 'Database files initialized'
}

temp_server_start() {
	"$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" &
	TEMP_SERVER_PID=$!
	note 'Waiting for server startup'
	local i
	for i in {60..0}; do
		if process_sql --database=mysql <<<'SELECT 1' &>/dev/null; then break; fi
		if ! kill -0 "$TEMP_SERVER_PID" 2>/dev/null; then fail 'Unable to start server.'; fi
		sleep 0.5
	done
	if [ "$i" = 0 ]; then fail 'Unable to start server.'; fi
}

temp_server_stop() {
	if ! mariadb-admin --defaults-extra-file=<(root_passfile) shutdown -uroot --socket="$SOCKET"; then
		fail 'Unable to shut down server.'
	fi
	wait "$TEMP_SERVER_PID" || true
}

sql_escape_string_literal() {
	local newline=$'\n'
	local escaped=${1//\\/\\\\}
	escaped="${escaped//$newline/\\n}"
	echo "${escaped//\'/\\\'}"
}

setup_db() {
	if [ -z "${MYSQL_INITDB_SKIP_TZINFO:-}" ]; then
		# With --skip-write-binlog the time zones are not replicated, as with MySQL's tool.
		mariadb-tzinfo-to-sql --skip-write-binlog /usr/share/zoneinfo 2>/dev/null \
			| sed 's/Local time zone must be set--see zic manual page/FCTY/' \
			| process_sql --database=mysql
	fi
	if [ -n "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]; then
		MYSQL_ROOT_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 32)"
		export MYSQL_ROOT_PASSWORD
		note "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
	fi
	local rootPasswordEscaped rootCreate=
	rootPasswordEscaped="$(sql_escape_string_literal "$MYSQL_ROOT_PASSWORD")"
	# MySQL 5.7's image keeps root@localhost and adds root@MYSQL_ROOT_HOST ('%' by default); every other
	# account mariadb-install-db made (root@<hostname>, root@127.0.0.1, root@::1) goes, as in that image.
	if [ -n "$MYSQL_ROOT_HOST" ] && [ "$MYSQL_ROOT_HOST" != localhost ]; then
		rootCreate="CREATE USER IF NOT EXISTS 'root'@'${MYSQL_ROOT_HOST}' IDENTIFIED BY '${rootPasswordEscaped}';
			GRANT ALL ON *.* TO 'root'@'${MYSQL_ROOT_HOST}' WITH GRANT OPTION;"
	fi
	process_sql --database=mysql <<-EOSQL
		SET @@SESSION.SQL_LOG_BIN=0;
		DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1';
		EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS \'root\'@\'', @@hostname, '\'');
		ALTER USER 'root'@'localhost' IDENTIFIED BY '${rootPasswordEscaped}';
		GRANT ALL ON *.* TO 'root'@'localhost' WITH GRANT OPTION;
		${rootCreate}
		DROP DATABASE IF EXISTS test;
		FLUSH PRIVILEGES;
	EOSQL
	ROOT_PASSWORD_SET=true

	if [ -n "$MYSQL_DATABASE" ]; then
		note "Creating database ${MYSQL_DATABASE}"
		process_sql --database=mysql <<<"CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
	fi
	if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
		note "Creating user ${MYSQL_USER}"
		local userPasswordEscaped
		userPasswordEscaped="$(sql_escape_string_literal "$MYSQL_PASSWORD")"
		process_sql --database=mysql <<<"CREATE USER '$MYSQL_USER'@'%' IDENTIFIED BY '$userPasswordEscaped';"
		if [ -n "$MYSQL_DATABASE" ]; then
			note "Giving user ${MYSQL_USER} access to schema ${MYSQL_DATABASE}"
			process_sql --database=mysql <<<"GRANT ALL ON \`${MYSQL_DATABASE//_/\\_}\`.* TO '$MYSQL_USER'@'%';"
		fi
	fi
}

# /docker-entrypoint-initdb.d: *.sh are run (executable) or sourced, *.sql[.gz|.xz|.zst] are loaded.
process_init_files() {
	echo
	local f
	for f; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					note "$0: running $f"
					"$f"
				else
					note "$0: sourcing $f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql)     note "$0: running $f"; process_sql < "$f"; echo ;;
			*.sql.bz2) note "$0: running $f"; bunzip2 -c "$f" | process_sql; echo ;;
			*.sql.gz)  note "$0: running $f"; gunzip -c "$f" | process_sql; echo ;;
			*.sql.xz)  note "$0: running $f"; xzcat "$f" | process_sql; echo ;;
			*.sql.zst) note "$0: running $f"; zstd -dc "$f" | process_sql; echo ;;
			*)         note "$0: ignoring $f" ;;
		esac
		echo
	done
}

expire_root_user() {
	if [ -n "${MYSQL_ONETIME_PASSWORD:-}" ]; then
		process_sql --database=mysql <<-EOSQL
			ALTER USER 'root'@'%' PASSWORD EXPIRE;
		EOSQL
	fi
}

main() {
	# A first argument that is an option means "mysqld with these options".
	if [ "${1:0:1}" = '-' ]; then
		set -- mysqld "$@"
	fi
	if [ "$1" = mysqld ] && ! wants_help "$@"; then
		note "Entrypoint script for MySQL Server 5.7 started (Berth image catalog: $(mariadbd --version 2>/dev/null | sed 's/^[^ ]* *//'))."
		setup_env "$@"
		create_db_directories
		if [ "$(id -u)" = 0 ]; then
			note "Switching to dedicated user 'mysql'"
			export _BERTH_MYSQL_DATADIR="$DATADIR" _BERTH_MYSQL_SOCKET="$SOCKET"
			exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
		fi
		if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
			verify_minimum_env
			if [ -d /docker-entrypoint-initdb.d ]; then
				# Fails early, before initialising, when the directory cannot be read.
				ls /docker-entrypoint-initdb.d/ >/dev/null
			fi
			init_database_dir "$@"
			note 'Starting temporary server'
			temp_server_start "$@"
			note 'Temporary server started.'
			setup_db
			process_init_files /docker-entrypoint-initdb.d/*
			expire_root_user
			note 'Stopping temporary server'
			temp_server_stop
			note 'Temporary server stopped'
			echo
			note 'MySQL init process done. Ready for start up.'
			echo
		fi
	fi
	exec "$@"
}

main "$@"
