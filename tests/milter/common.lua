-- common.lua - helpers shared by the miltertest scenarios (t-*.lua).
-- The runner (run.sh) starts mugai-milter on inet:$MT_PORT@127.0.0.1.

function check(cond, what)
    if not cond then
        error(what)
    end
end

-- open_conn - connect, negotiate with the given actions (nil: all),
-- send the client and the envelope; returns the connection
function open_conn(actions)
    local conn = mt.connect("inet:" .. os.getenv("MT_PORT") .. "@127.0.0.1", 20, 0.25)
    check(conn ~= nil, "mt.connect() failed")
    -- miltertest 2.11 reads the steps from the third number and the
    -- actions from the fourth, whatever its manual says
    check(mt.negotiate(conn, 6, nil, actions or (SMFIF_ADDHDRS + SMFIF_CHGHDRS
                       + SMFIF_CHGBODY)) == nil, "mt.negotiate() failed")
    check(mt.conninfo(conn, "localhost", "127.0.0.1") == nil, "mt.conninfo() failed")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "conninfo: unexpected reply")
    return conn
end

-- envelope - MAIL FROM and one RCPT TO; returns the MAIL FROM reply
function envelope(conn)
    mt.macro(conn, SMFIC_MAIL, "i", "MTTEST1")
    check(mt.mailfrom(conn, "<alice@example.com>") == nil, "mt.mailfrom() failed")
    local r = mt.getreply(conn)
    if r ~= SMFIR_CONTINUE then
        return r
    end
    check(mt.rcptto(conn, "<soumu@city.example.lg.jp>") == nil, "mt.rcptto() failed")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "rcptto: unexpected reply")
    return r
end

-- send_file - the header fields and the CRLF body of a message file,
-- then end of message; returns the reply to end of message
function send_file(conn, path)
    local f = assert(io.open(path, "rb"))
    local text = f:read("*a")
    f:close()
    text = text:gsub("\r\n", "\n")
    local head, body = text:match("^(.-)\n\n(.*)$")
    check(head ~= nil, path .. ": no header block")
    local name, value
    local function flush()
        if name ~= nil then
            check(mt.header(conn, name, value) == nil, "mt.header() failed")
        end
    end
    for line in (head .. "\n"):gmatch("(.-)\n") do
        if line:match("^[ \t]") then
            value = value .. "\n" .. line
        else
            flush()
            name, value = line:match("^([^:]+):[ ]?(.*)$")
        end
    end
    flush()
    check(mt.eoh(conn) == nil, "mt.eoh() failed")
    check(mt.bodystring(conn, (body:gsub("\n", "\r\n"))) == nil, "mt.bodystring() failed")
    check(mt.eom(conn) == nil, "mt.eom() failed")
    return mt.getreply(conn)
end

-- result_header - the X-Mugai-Result the filter added, or ""
function result_header(conn)
    return mt.getheader(conn, "X-Mugai-Result", 0) or ""
end
