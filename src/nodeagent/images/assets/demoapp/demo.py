#!/usr/bin/python3
# /usr/local/bin/demo.py of Berth's ikubernetes/demoapp and wangxiaochun/pod-test catalog images: the course
# notes' demo web app (a Flask app in those images) rewritten on Python's standard library, answering the same
# routes with the same text:
#   GET  /            "<banner> ClientIP: <peer>, ServerName: <hostname>, ServerIP: <address of hostname>!"
#   GET  /hostname    "ServerName: <hostname>"
#   GET  /livez       "OK" (200) or the stored value (506); the first GET waits 5 s
#   GET  /readyz      "OK" (200) or the stored value (507); the first GET waits 15 s
#   POST /livez, /readyz  form field livez= / readyz= stores a value
#   GET  /configs     "DEPLOYENV: …\nRELEASE: …"
#   GET  /user-agent  "User-Agent: …"
# It listens on 0.0.0.0:80; -p/--port, -h/--host (or $PORT, $HOST) change that, -v/--verbose is accepted.
import getopt
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

BANNER = '@BANNER@'

health_status = {'livez': 'OK', 'readyz': 'OK'}
probe_count = {'livez': 0, 'readyz': 0}
first_probe_delay = {'livez': 5, 'readyz': 15}
lock = threading.Lock()

NOT_FOUND = ('<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n'
             '<p>The requested URL was not found on the server.</p>\n')
BAD_REQUEST = ('<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n'
               '<p>The browser (or proxy) sent a request that this server could not understand.</p>\n')
NOT_ALLOWED = ('<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n'
               '<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n')


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'Werkzeug/2.2.2'
    sys_version = 'Python/' + sys.version.split()[0]

    def reply(self, status, body):
        data = body.encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)

    def route(self):
        return self.path.split('?', 1)[0]

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.route()
        if path == '/':
            name = socket.gethostname()
            self.reply(200, '{} ClientIP: {}, ServerName: {}, ServerIP: {}!\n'.format(
                BANNER, self.client_address[0], name, socket.gethostbyname(name)))
        elif path == '/hostname':
            self.reply(200, 'ServerName: {}\n'.format(socket.gethostname()))
        elif path in ('/livez', '/readyz'):
            self.probe(path[1:])
        elif path == '/configs':
            self.reply(200, 'DEPLOYENV: {}\nRELEASE: {}\n'.format(os.environ.get('DEPLOYENV'), os.environ.get('RELEASE')))
        elif path == '/user-agent':
            self.reply(200, 'User-Agent: {}\n'.format(self.headers.get('User-Agent')))
        else:
            self.reply(404, NOT_FOUND)

    def do_POST(self):
        path = self.route()
        if path not in ('/livez', '/readyz'):
            self.reply(405 if path in ('/', '/hostname', '/configs', '/user-agent') else 404,
                       NOT_ALLOWED if path in ('/', '/hostname', '/configs', '/user-agent') else NOT_FOUND)
            return
        key = path[1:]
        length = int(self.headers.get('Content-Length') or 0)
        form = parse_qs(self.rfile.read(length).decode('utf-8', 'replace'), keep_blank_values=True)
        if key not in form:
            self.reply(400, BAD_REQUEST)
            return
        with lock:
            health_status[key] = form[key][0]
        self.reply(200, '')

    def probe(self, key):
        with lock:
            first = probe_count[key] == 0
            probe_count[key] += 1
        if first:
            time.sleep(first_probe_delay[key])
        with lock:
            status = health_status[key]
        if status == 'OK':
            self.reply(200, status)
        else:
            self.reply(506 if key == 'livez' else 507, status)


def main(argv):
    port = os.environ.get('PORT') or 80
    host = os.environ.get('HOST') or '0.0.0.0'
    try:
        opts, _ = getopt.getopt(argv, 'vh:p:', ['verbose', 'host=', 'port='])
    except getopt.GetoptError:
        print('server.py -p <portnumber>')
        sys.exit(2)
    for opt, arg in opts:
        if opt in ('-p', '--port'):
            port = arg
        elif opt in ('-h', '--host'):
            host = arg
    server = ThreadingHTTPServer((str(host), int(port)), Handler)
    server.daemon_threads = True
    print(' * Running on http://{}:{}'.format(host, server.server_address[1]), file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main(sys.argv[1:])
