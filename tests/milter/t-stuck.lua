-- t-stuck: an engine that hangs (injected: MUGAI_FAULT=slow:600000, run
-- by build/tests/mugai-milter-fault) with max_message_time = 1s: the
-- answer is a 4xx within max_message_time and the 2 s margin, nothing is
-- changed. run.sh then checks that the daemon exits (status 70, "ENGINE
-- STUCK") once the stuck engine has overrun that long again.
dofile(os.getenv("MT_DIR") .. "/common.lua")

local conn = open_conn(nil)
check(envelope(conn) == SMFIR_CONTINUE, "MAIL FROM refused")
local t0 = os.time()
check(send_file(conn, "samples/plain-ascii.eml") == SMFIR_REPLYCODE, "EOM not refused")
local spent = os.time() - t0
check(spent <= 5, "answer after " .. spent .. " s, expected within 1 s + 2 s margin")
check(not mt.eom_check(conn, MT_BODYCHANGE), "stuck message was modified")
mt.disconnect(conn)
