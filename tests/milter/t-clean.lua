-- t-clean: a plain text mail is rebuilt as text mode output: new body,
-- tagged Subject, new MIME fields, X-Mugai-Result.
dofile(os.getenv("MT_DIR") .. "/common.lua")

local conn = open_conn(nil)
check(envelope(conn) == SMFIR_CONTINUE, "MAIL FROM refused")
check(send_file(conn, "samples/plain-ascii.eml") == SMFIR_CONTINUE, "EOM not accepted")
check(mt.eom_check(conn, MT_BODYCHANGE), "no body replacement")
check(mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "Subject not changed")
check(mt.eom_check(conn, MT_HDRADD, "Content-Transfer-Encoding"), "no new CTE")
check(mt.eom_check(conn, MT_HDRADD, "X-Mugai-Result"), "no X-Mugai-Result")
check(result_header(conn):find("mode=text; removed=0", 1, true) ~= nil,
      "unexpected X-Mugai-Result: " .. result_header(conn))
mt.disconnect(conn)
