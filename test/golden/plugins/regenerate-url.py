#!/usr/bin/python3
"""Records what ansible-playbook 2.14 prints for url.yml against a loopback HTTP server serving url-routes.json
(the port is written as <port>): url.default.out, url.default.err, url.rc. Needs ansible-playbook; CI only
compares tsible's output with the recording (test/lookups/url.test.ts serves the same routes)."""
import http.server
import json
import os
import subprocess
import threading

here = os.path.dirname(os.path.abspath(__file__))
routes = json.load(open(os.path.join(here, 'url-routes.json')))['routes']


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == '/echo':
            h = self.headers
            route = {'status': 200, 'body': '%s|%s|%s' % (h.get('User-Agent'), h.get('X-Test'), h.get('Authorization'))}
        else:
            route = routes.get(self.path, {'status': 404, 'body': ''})
        body = route['body'].encode('utf-8')
        self.send_response(route['status'])
        if 'location' in route:
            self.send_header('Location', route['location'])
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
port = server.server_address[1]
env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='0', ANSIBLE_RETRY_FILES_ENABLED='0',
           ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_STDOUT_CALLBACK='default')
run = subprocess.run(['ansible-playbook', 'url.yml', '-e', 'base=http://127.0.0.1:%d' % port], cwd=here, env=env,
                     capture_output=True, text=True)
server.shutdown()
for ext, text in (('default.out', run.stdout), ('default.err', run.stderr), ('rc', '%d\n' % run.returncode)):
    with open(os.path.join(here, 'url.' + ext), 'w') as out:
        out.write(text.replace(':%d' % port, ':<port>'))
print('url.yml recorded, exit code %d' % run.returncode)
