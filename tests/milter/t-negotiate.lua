-- t-negotiate: the milter accepts a full offer, and an MTA that cannot
-- change the body gets a tempfail at MAIL FROM instead of unsanitized mail.
dofile(os.getenv("MT_DIR") .. "/common.lua")

local conn = open_conn(nil)
check(envelope(conn) == SMFIR_CONTINUE, "full offer: MAIL FROM refused")
mt.disconnect(conn)

conn = open_conn(SMFIF_ADDHDRS + SMFIF_CHGHDRS)
check(envelope(conn) == SMFIR_REPLYCODE, "no CHGBODY: MAIL FROM was not tempfailed")
mt.disconnect(conn)
