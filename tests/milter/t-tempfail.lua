-- t-tempfail: an engine failure (injected: MUGAI_FAULT=tempfail, run by
-- build/tests/mugai-milter-fault) is a 4xx refusal, and nothing is changed.
dofile(os.getenv("MT_DIR") .. "/common.lua")

local conn = open_conn(nil)
check(envelope(conn) == SMFIR_CONTINUE, "MAIL FROM refused")
check(send_file(conn, "samples/plain-ascii.eml") == SMFIR_REPLYCODE, "EOM not refused")
check(not mt.eom_check(conn, MT_BODYCHANGE), "failed message was modified")
mt.disconnect(conn)
