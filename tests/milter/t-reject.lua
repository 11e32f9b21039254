-- t-reject: a message over a structure limit is refused with a reply
-- (554 5.6.0 here: max_mime_depth = 1) and not modified.
dofile(os.getenv("MT_DIR") .. "/common.lua")

local conn = open_conn(nil)
check(envelope(conn) == SMFIR_CONTINUE, "MAIL FROM refused")
check(send_file(conn, "samples/forwarded.eml") == SMFIR_REPLYCODE, "EOM not refused")
check(not mt.eom_check(conn, MT_BODYCHANGE), "refused message was modified")
mt.disconnect(conn)
