#!/usr/bin/env python3
"""SORT, UID SORT, ESORT and THREAD through Python's imaplib (its sort() and thread() methods):
appends a small mailbox with Vietnamese subjects, replies and dates, then prints one JSON object."""
import imaplib, json, ssl, sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx)
m.login(user, password)
m.create("Sort")
m.select("Sort")

def add(subject, frm, date, msgid, refs=None, size_pad=0):
    h = f"From: {frm}\r\nTo: annv@kontum.gov.vn\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{msgid}>\r\n"
    if refs:
        h += f"References: {refs}\r\nIn-Reply-To: {refs.split()[-1]}\r\n"
    body = "Nội dung." + ("x" * size_pad)
    m.append("Sort", None, None, (h + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n").encode("utf-8"))

# seq 1..6
add("=?UTF-8?Q?=C4=90=C3=A0o_t=E1=BA=A1o?=", "Đặng Văn Bình <binhdv@kontum.gov.vn>", "Mon, 01 Jun 2026 08:00:00 +0700", "a@kt", size_pad=3000)
add("Re: Đào tạo", "Bùi Thị Cúc <cucbt@kontum.gov.vn>", "Mon, 01 Jun 2026 10:00:00 +0700", "b@kt", "<a@kt>", size_pad=100)
add("an toàn thông tin", "An Nguyễn <annv@kontum.gov.vn>", "Sun, 31 May 2026 23:00:00 +0700", "c@kt", size_pad=1000)
add("Re: Re: Đào tạo", "Đặng Văn Bình <binhdv@kontum.gov.vn>", "Tue, 02 Jun 2026 09:00:00 +0700", "d@kt", "<a@kt> <b@kt>", size_pad=500)
add("[so-tttt] Ân xá", "zeta@example.com", "Wed, 03 Jun 2026 09:00:00 +0700", "e@kt", size_pad=2000)
add("Re: Đào tạo", "Bùi Thị Cúc <cucbt@kontum.gov.vn>", "Tue, 02 Jun 2026 08:00:00 +0700", "f@kt", "<a@kt>", size_pad=200)

typ, data = m.capability()
out = {"caps": data[0].decode().split()}
out["subject"] = m.sort("(SUBJECT)", "UTF-8", "ALL")[1][0].decode()
out["reverse_size"] = m.sort("(REVERSE SIZE)", "UTF-8", "ALL")[1][0].decode()
out["date"] = m.sort("(DATE)", "UTF-8", "ALL")[1][0].decode()
out["displayfrom"] = m.sort("(DISPLAYFROM)", "UTF-8", "ALL")[1][0].decode()
out["subject_unseen_folded"] = m.sort("(SUBJECT)", "UTF-8", "SUBJECT", '"dao tao"')[1][0].decode()
typ, data = m.uid("SORT", "(REVERSE DATE)", "UTF-8", "ALL")
out["uid_sort"] = data[0].decode()
typ, data = m.uid("SORT", "RETURN (MIN MAX COUNT)", "(DATE)", "UTF-8", "ALL")
out["esort"] = [x.decode() for x in m.response("ESEARCH")[1] if x]
out["thread_refs"] = m.thread("REFERENCES", "UTF-8", "ALL")[1][0].decode()
out["thread_subject"] = m.thread("ORDEREDSUBJECT", "UTF-8", "ALL")[1][0].decode()
typ, data = m.sort("(DATE)", "KOI8-R", "ALL")
out["badcharset"] = [typ, [x.decode() if x else None for x in m.response("BADCHARSET")[1]]]
m.logout()
print(json.dumps(out, ensure_ascii=False))
