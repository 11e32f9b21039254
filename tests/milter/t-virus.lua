-- t-virus: EICAR (the project's test signatures) is refused with a reply
-- and not modified; run.sh checks the 550 5.7.1 text names a vault ID
-- that is in the vault, and the log line.
dofile(os.getenv("MT_DIR") .. "/common.lua")

local conn = open_conn(nil)
check(envelope(conn) == SMFIR_CONTINUE, "MAIL FROM refused")
check(send_file(conn, "samples/scan/eicar-plain.eml") == SMFIR_REPLYCODE, "EOM not refused")
check(not mt.eom_check(conn, MT_BODYCHANGE), "refused message was modified")
mt.disconnect(conn)
