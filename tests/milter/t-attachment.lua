-- t-attachment: the attachment is removed and counted.
dofile(os.getenv("MT_DIR") .. "/common.lua")

local conn = open_conn(nil)
check(envelope(conn) == SMFIR_CONTINUE, "MAIL FROM refused")
check(send_file(conn, "samples/ja-rfc2231-attachment.eml") == SMFIR_CONTINUE,
      "EOM not accepted")
check(mt.eom_check(conn, MT_BODYCHANGE), "no body replacement")
check(result_header(conn):find("removed=1;", 1, true) ~= nil,
      "unexpected X-Mugai-Result: " .. result_header(conn))
mt.disconnect(conn)
