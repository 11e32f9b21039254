-- t-html: an HTML mail arrives as one text/plain part.
dofile(os.getenv("MT_DIR") .. "/common.lua")

local conn = open_conn(nil)
check(envelope(conn) == SMFIR_CONTINUE, "MAIL FROM refused")
check(send_file(conn, "tests/milter/html.eml") == SMFIR_CONTINUE, "EOM not accepted")
check(mt.eom_check(conn, MT_BODYCHANGE), "no body replacement")
check(mt.eom_check(conn, MT_HDRADD, "Content-Type"), "no new Content-Type")
check(mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "Subject not tagged")
check(result_header(conn):find("mode=text; removed=0; parts=1", 1, true) ~= nil,
      "unexpected X-Mugai-Result: " .. result_header(conn))
mt.disconnect(conn)
