#!/usr/bin/env python3
"""A Python imaplib session of a `read` delegate on a shared unit mailbox: NAMESPACE, LIST,
SELECT of Shared/<unit>/INBOX (answered READ-ONLY, which imaplib raises), EXAMINE, FETCH,
STORE \\Seen and STORE \\Deleted (both refused: the folder is read-only to a `read` delegate).
Prints one JSON object."""
import imaplib, json, ssl, sys

host, port, user, password, shared = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
out = {}
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx)
m.login(user, password)
typ, data = m.namespace()
out["namespace"] = data[0].decode()
typ, data = m.list('""', '"Shared/*"')
out["list"] = [d.decode() for d in data]
try:
    m.select(shared)
    out["select_rw"] = "read-write"
except imaplib.IMAP4.readonly as e:
    out["select_rw"] = "read-only: " + str(e)
typ, data = m.select(shared, readonly=True)
out["select"] = [typ, data[0].decode()]
typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
out["fetch_subject"] = data[0][1].decode()
typ, data = m.store("1", "+FLAGS", "(\\Seen)")
out["store_seen"] = typ
try:
    typ, data = m.store("1", "+FLAGS", "(\\Deleted)")
    out["store_deleted"] = typ + " " + b" ".join(d for d in data if isinstance(d, bytes)).decode()
except imaplib.IMAP4.error as e:
    out["store_deleted"] = "refused: " + str(e)
m.logout()
print(json.dumps(out))
