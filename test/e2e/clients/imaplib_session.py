#!/usr/bin/env python3
"""A Python imaplib session against thutin: STARTTLS on the plain port, LOGIN, SELECT,
APPEND, UTF-8 SEARCH, FETCH of sections, STORE, EXPUNGE. Prints one JSON object."""
import imaplib, json, ssl, sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
out = {}
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

m = imaplib.IMAP4(host, port)
out["caps_before_tls"] = list(m.capabilities)
try:
    m.login(user, password)
    out["login_before_tls"] = "accepted"
except imaplib.IMAP4.error as e:
    out["login_before_tls"] = "refused: " + str(e)
m.starttls(ssl_context=ctx)
out["caps_after_tls"] = list(m.capabilities)
typ, _ = m.login(user, password)
out["login"] = typ
typ, data = m.select("INBOX")
out["select"] = [typ, data[0].decode()]
msg = ("From: Lê Thị Bình <binhlt@kontum.gov.vn>\r\nTo: annv@kontum.gov.vn\r\n"
       "Subject: =?UTF-8?Q?K=E1=BA=BF_ho=E1=BA=A1ch_n=C4=83m?=\r\n"
       "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
       "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
       "Kế hoạch năm 2027 của Sở Thông tin và Truyền thông.\r\n"
       "--b1\r\nContent-Type: application/pdf; name=\"ke-hoach.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
       "JVBERi0xLjQK\r\n--b1--\r\n").encode("utf-8")
typ, data = m.append("INBOX", "(\\Seen)", None, msg)
out["append"] = [typ, data[0].decode()]
m.select("INBOX")
m.literal = "Truyền thông".encode("utf-8")  # imaplib sends it as a synchronising literal
typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", "BODY")
out["search_utf8"] = data[0].decode()
typ, data = m.uid("SEARCH", "SUBJECT", '"ke hoach"')
out["search_folded"] = data[0].decode()
uid = out["search_utf8"].split()[-1]
typ, data = m.uid("FETCH", uid, "(BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[HEADER.FIELDS (SUBJECT)] RFC822.SIZE)")
parts = [p for p in data if isinstance(p, tuple)]
out["fetch_part1"] = parts[0][1].decode("utf-8")
out["fetch_part2_mime"] = parts[1][1].decode()
out["fetch_subject"] = parts[2][1].decode()
out["fetch_size_line"] = data[-1].decode() if isinstance(data[-1], bytes) else ""
out["size"] = len(msg)
typ, data = m.uid("FETCH", uid, "(BODYSTRUCTURE)")
out["bodystructure"] = data[0].decode()
typ, data = m.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
out["store"] = data[0].decode()
typ, data = m.expunge()
out["expunge"] = [d.decode() for d in data if d]
typ, data = m.select("INBOX")
out["exists_after"] = data[0].decode()
m.logout()
print(json.dumps(out))
