#!/usr/bin/env python3
# A scripted SMTP client on Python's smtplib (a client we did not write), for the SMTP suites.
# Reads {"host", "port", "implicit_tls", "steps": [...]} as JSON on stdin and prints one JSON
# list with the server's answer to each step. Ops: ehlo, helo, starttls, auth, mail, rcpt,
# data, cmd (a text command line), raw (bytes, base64), data_partial (DATA, then some bytes,
# then hang up), drop (hang up), rset, quit.
import base64, json, smtplib, socket, ssl, sys

def ctx():
    c = ssl.create_default_context()
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c

def text(b):
    return b.decode('utf-8', 'replace') if isinstance(b, (bytes, bytearray)) else str(b)

def main():
    job = json.load(sys.stdin)
    out = []
    timeout = job.get('timeout', 20)
    try:
        if job.get('implicit_tls'):
            s = smtplib.SMTP_SSL(timeout=timeout, context=ctx())
        else:
            s = smtplib.SMTP(timeout=timeout)
        s._host = job['host']  # used as the TLS server name by starttls()
        code, msg = s.connect(job['host'], job['port'])
        out.append({'op': 'connect', 'code': code, 'msg': text(msg)})
    except Exception as e:
        out.append({'op': 'connect', 'error': repr(e)})
        print(json.dumps(out))
        return
    for st in job['steps']:
        op = st['op']
        r = {'op': op}
        try:
            if op == 'ehlo':
                code, msg = s.ehlo(st.get('name', 'client.example.net'))
                r.update(code=code, msg=text(msg), features=sorted(s.esmtp_features.keys()),
                         auth=s.esmtp_features.get('auth', ''), size=s.esmtp_features.get('size', ''))
            elif op == 'helo':
                code, msg = s.helo(st.get('name', 'client.example.net'))
                r.update(code=code, msg=text(msg))
            elif op == 'starttls':
                code, msg = s.starttls(context=ctx())
                r.update(code=code, msg=text(msg))
            elif op == 'auth':
                s.user, s.password = st['user'], st['password']
                mech = st.get('mech', 'PLAIN').upper()
                try:
                    code, msg = s.auth(mech, s.auth_plain if mech == 'PLAIN' else s.auth_login, initial_response_ok=st.get('initial', True))
                    r.update(code=code, msg=text(msg))
                except smtplib.SMTPAuthenticationError as e:
                    r.update(code=e.smtp_code, msg=text(e.smtp_error))
            elif op == 'mail':
                code, msg = s.mail(st['from'], st.get('options', []))
                r.update(code=code, msg=text(msg))
            elif op == 'rcpt':
                code, msg = s.rcpt(st['to'], st.get('options', []))
                r.update(code=code, msg=text(msg))
            elif op == 'data':
                try:
                    code, msg = s.data(base64.b64decode(st['b64']))
                    r.update(code=code, msg=text(msg))
                except smtplib.SMTPDataError as e:
                    r.update(code=e.smtp_code, msg=text(e.smtp_error))
            elif op == 'cmd':
                s.putcmd(st['line'])
                code, msg = s.getreply()
                r.update(code=code, msg=text(msg))
            elif op == 'raw':
                s.send(base64.b64decode(st['b64']))
                code, msg = s.getreply()
                r.update(code=code, msg=text(msg))
            elif op == 'data_partial':
                s.putcmd('data')
                code, msg = s.getreply()
                r.update(code=code, msg=text(msg))
                if code == 354:
                    s.send(base64.b64decode(st['b64']))
                s.sock.shutdown(socket.SHUT_RDWR)
                s.sock.close()
                s.sock = None
                out.append(r)
                break
            elif op == 'drop':
                s.sock.close()
                s.sock = None
                out.append(r)
                break
            elif op == 'rset':
                code, msg = s.rset()
                r.update(code=code, msg=text(msg))
            elif op == 'quit':
                code, msg = s.quit()
                r.update(code=code, msg=text(msg))
                out.append(r)
                break
            else:
                r['error'] = 'unknown op'
        except smtplib.SMTPServerDisconnected as e:
            r['error'] = 'disconnected'
            r['detail'] = repr(e)
            out.append(r)
            break
        except Exception as e:
            r['error'] = repr(e)
        out.append(r)
    print(json.dumps(out))

main()
