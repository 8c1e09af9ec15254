#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from the SPEC's examples, the seed document
(/work/shared/seed/cupi-ports.txt, or the paths given as arguments) and the built-in fixtures.
Run once by hand when the sources change; `make fuzz` only reads the result.
usage: python3 fuzz/seeds.py [SPEC.md [cupi-ports.txt]]"""

import base64
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SPEC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "cupi", "SPEC.md")
SEED = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/seed/cupi-ports.txt"


def blocks(text):
    """Fenced ``` blocks of a markdown text, dedented."""
    out = []
    for m in re.finditer(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", text, re.S | re.M):
        lines = m.group(1).splitlines()
        ind = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
        out.append("\n".join(ln[ind:] for ln in lines).strip())
    return [b for b in out if b]


def inline_code(text):
    return re.findall(r"`([^`\n]+)`", text)


def write(target, items):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    seen = set()
    for it in items:
        data = it.encode("utf-8") if isinstance(it, str) else it
        h = hashlib.sha1(data).hexdigest()[:16]
        if h in seen:
            continue
        seen.add(h)
        with open(os.path.join(d, h), "wb") as f:
            f.write(data)
    print(f"{target}: {len(seen)} seeds")


def c_strings(path):
    """The built-in fixture documents: the concatenated string literals of each array."""
    src = open(path, encoding="utf-8").read()
    docs = []
    for m in re.finditer(r"static const char \w+\[\] =\s*((?:\s*\"(?:[^\"\\]|\\.)*\")+)\s*;", src):
        parts = re.findall(r"\"((?:[^\"\\]|\\.)*)\"", m.group(1))
        docs.append("".join(parts).encode().decode("unicode_escape"))
    return docs


def field_names():
    """Every field name of the model tables (src/model/*.c)."""
    names = set()
    d = os.path.join(ROOT, "src", "model")
    for f in sorted(os.listdir(d)):
        if f.endswith(".c"):
            src = open(os.path.join(d, f), encoding="utf-8").read()
            names.update(re.findall(r'(?:COL|DERIVED|FIELD)\("([A-Za-z]+)"', src))
            names.update(re.findall(r'\.name = "([A-Z][A-Za-z]+)"', src))
    return sorted(names)


def write_dict(name, tokens):
    """A libFuzzer dictionary fuzz/dict/<name>.dict (run.sh passes it when it exists)."""
    d = os.path.join(HERE, "dict")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".dict"), "w", encoding="utf-8") as f:
        for t in tokens:
            f.write('"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"\n')
    print(f"dict {name}: {len(tokens)} tokens")


# The codec definitions (SPEC §5.10).
CODECS = ["0a588d98-bcd0-43f7-beed-4066b1b8bd89", "568914d1-6ac1-42f9-94fb-8d6beddef6cb",
          "40ee229d-e585-4b01-87af-e01283c34dd4", "07f16d07-3057-47e8-9029-9abee97dfffe",
          "0f437ce5-81b5-458c-a92f-cff6dbd90163"]


PG = "ledf504a-e9a1-4876-bcfc-bb674da8e385"
PS = "a8eb65f5-795b-41cd-98b1-934f6b987313"

# Bodies of the telephony resources (SPEC §5.8-§5.12) in the shapes clients send: Cisco's SDK
# XML, a space before '>', other casing of names, empty elements, wrappers, numbers as JSON
# numbers and as strings, values just outside the ranges and lists.
TELEPHONY_XML = [
    f"<PortGroupServer><MediaPortGroupObjectId >{PG}</MediaPortGroupObjectId >"
    "<MediaRemoteServiceEnum >101</MediaRemoteServiceEnum><HostOrIPAddress >cuc1"
    "</HostOrIPAddress><Port>69</Port></PortGroupServer>",
    "<PortGroupServer><HostOrIpAddress>cucm-a.example.net</HostOrIpAddress></PortGroupServer>",
    "<PortGroupServer ><hostoripaddressv6>2001:db8::21</hostoripaddressv6><HostOrIPAddress/>"
    "<Precedence> 5 </Precedence><SkinnyStateMachineEnum>20</SkinnyStateMachineEnum>"
    "<TlsPort>0005061</TlsPort></PortGroupServer>",
    "<PortGroupServer><MediaRemoteServiceEnum>99</MediaRemoteServiceEnum><HostOrIPAddress>a b"
    "</HostOrIPAddress><SkinnyStateMachineEnum>15</SkinnyStateMachineEnum><Port>65536</Port>"
    "</PortGroupServer>",
    f"<PortGroupCodec><MediaPortGroupObjectId>{PG}</MediaPortGroupObjectId>"
    "<PreferredPacketSizeMs>20</PreferredPacketSizeMs><RtpCodecDefObjectId>"
    f"{CODECS[1]}</RtpCodecDefObjectId><Preference>1</Preference></PortGroupCodec>",
    "<PortGroupCodec ><RtpCodecDefObjectId >nope</RtpCodecDefObjectId ><PreferredPacketSizeMs>"
    "25</PreferredPacketSizeMs><preference>-0</preference></PortGroupCodec>",
    f"<AXLServer><MediaSwitchObjectId>{PS}</MediaSwitchObjectId><MediaRemoteServiceEnum>103"
    "</MediaRemoteServiceEnum><HostOrIPAddress>192.0.2.22</HostOrIPAddress><Port>8443</Port>"
    "<CcmAXLUser>axladmin</CcmAXLUser><CcmAXLPassword>s3cret</CcmAXLPassword><CcmVersion>5"
    "</CcmVersion><IsPinSyncEnabled>false</IsPinSyncEnabled></AXLServer>",
    "<AXLServer><CcmAXLUser>CiscoCCM</CcmAXLUser><CcmAXLPassword/><CcmVersion>100</CcmVersion>"
    "<IsPinSyncEnabled>yes</IsPinSyncEnabled><ccmaxlpassword>" + "p" * 129
    + "</ccmaxlpassword></AXLServer>",
    "<SipSecurityProfile><Port>5070</Port><DoTLS>true</DoTLS></SipSecurityProfile>",
    "<SipSecurityProfile ><port >0</port ><DoTls>TRUE</DoTls><DisplayName>x</DisplayName>"
    "</SipSecurityProfile>",
    "<PortGroup><DisplayName>Lab-SIP</DisplayName><MediaSwitchObjectId>x</MediaSwitchObjectId>"
    "<HostOrIPAddress >10.1.1.1</HostOrIPAddress ><HostOrIPAddressV6>2001:db8::1"
    "</HostOrIPAddressV6></PortGroup>",
]
TELEPHONY_JSON = [
    '{"MediaRemoteServiceEnum":100,"HostOrIPAddress":"192.0.2.23"}',
    '{"PortGroupServer":{"MediaRemoteServiceEnum":"102","HostOrIpAddress":"h","Port":5060,'
    '"TlsPort":"5061","Precedence":0,"SkinnyStateMachineEnum":10}}',
    '{"HostOrIPAddressV6":"2001:db8::21","HostOrIPAddress":"","Precedence":"5"}',
    '{"MediaRemoteServiceEnum":99.0,"HostOrIPAddress":"a b","Port":65536,"TlsPort":"x",'
    '"SkinnyStateMachineEnum":30}',
    '{"PortGroupCodec":{"PreferredPacketSizeMs":"30","Preference":5}}',
    f'{{"RtpCodecDefObjectId":"{CODECS[2]}","PreferredPacketSizeMs":25}}',
    '{"RtpCodecDefObjectId":"","preferredpacketsizems":10,"Preference":1e4}',
    '{"AXLServer":{"HostOrIPAddress":"192.0.2.22","IsPinSyncEnabled":"yes","CcmAXLPassword":'
    '"s3cret","CcmVersion":99,"Port":443,"MediaSwitchObjectId":"other"}}',
    '{"HostOrIPAddress":"x","CcmAXLPassword":null,"CcmAXLUser":["a"],"IsPinSyncEnabled":true}',
    '{"SipSecurityProfile":{"Port":"5060","DoTLS":"true"}}',
    '{"Port":70000,"DoTLS":1}',
    '{"DoTLS":false,"port":"0005060"}',
    '{"PortGroup":{"DisplayName":"G","MediaSwitchObjectId":"x","HostOrIPAddressV6":"::1"}}',
]
# Fixture documents with the four telephony keys (SPEC §5.16.1), valid and not.
TELEPHONY_FIXTURES = [
    '{"vmsservers":[{"ObjectId":"v1","ServerName":"a"}],'
    '"sipsecurityprofiles":[{"ObjectId":"sp1","Port":5060,"DoTLS":false},'
    '{"ObjectId":"sp2","Port":"5061","DoTLS":"true"}],'
    '"phonesystems":[{"ObjectId":"ps1","DisplayName":"P"}],'
    '"axlservers":[{"ObjectId":"ax1","MediaSwitchObjectId":"ps1","HostOrIPAddress":"h",'
    '"CcmAXLPassword":"s3cret","Port":8443,"Precedence":0}],'
    '"portgroups":[{"ObjectId":"pg1","MediaSwitchObjectId":"ps1",'
    '"TelephonyIntegrationMethodEnum":2,"HostOrIPAddress":"10.0.0.1"}],'
    '"portgroupservers":[{"ObjectId":"gs1","MediaPortGroupObjectId":"pg1",'
    '"MediaRemoteServiceEnum":101,"HostOrIPAddress":"t"},{"MediaPortGroupObjectId":"pg1",'
    '"MediaRemoteServiceEnum":"102","HostOrIPAddressV6":"::1","TlsPort":5061}],'
    '"portgroupcodecs":[{"ObjectId":"gc1","MediaPortGroupObjectId":"pg1","RtpCodecDefObjectId":'
    f'"{CODECS[0]}","PreferredPacketSizeMs":20,"Preference":0}}],'
    '"ports":[{"MediaPortGroupObjectId":"pg1","VmsServerObjectId":"v1"}]}',
    '{"sipsecurityprofiles":[],"portgroupcodecs":[],"axlservers":[],"portgroupservers":[]}',
    '{"portgroups":[{"ObjectId":"pg1","MediaSwitchObjectId":"ps1"}],'
    '"phonesystems":[{"ObjectId":"ps1","DisplayName":"P"}],'
    '"portgroupcodecs":[{"MediaPortGroupObjectId":"pg1","RtpCodecDefObjectId":'
    f'"{CODECS[3]}"}},{{"MediaPortGroupObjectId":"pg1","RtpCodecDefObjectId":"{CODECS[3]}"}}]}}',
    '{"phonesystems":[{"ObjectId":"ps1","DisplayName":"P"}],'
    '"portgroups":[{"ObjectId":"pg1","MediaSwitchObjectId":"ps1",'
    '"TelephonyIntegrationMethodEnum":3}],'
    '"portgroupservers":[{"MediaPortGroupObjectId":"pg1","MediaRemoteServiceEnum":101,'
    '"HostOrIPAddress":"x"},{"MediaPortGroupObjectId":"nope","HostOrIPAddress":"x"},'
    '{"MediaPortGroupObjectId":"pg1"}]}',
    '{"phonesystems":[{"ObjectId":"ps1","DisplayName":"P"}],"axlservers":['
    + ",".join('{"MediaSwitchObjectId":"ps1","HostOrIPAddress":"h%d"}' % i for i in range(17))
    + ']}',
    '{"sipsecurityprofiles":[{"Port":5060},{"Port":5060,"DoTLS":false}]}',
    '{"sipsecurityprofiles":{"Port":5060},"axlservers":null,"portgroupservers":[1],'
    '"portgroupcodecs":[{"MediaPortGroupObjectId":[]}]}',
]


def elements():
    """The element names of the resources (.elem = "PortGroupServer" in src/model/*.c)."""
    names = set()
    d = os.path.join(ROOT, "src", "model")
    for f in sorted(os.listdir(d)):
        if f.endswith(".c"):
            src = open(os.path.join(d, f), encoding="utf-8").read()
            names.update(re.findall(r'\.elem = "([A-Za-z]+)"', src))
    return sorted(names)


# Values the field tables list or bound (SPEC §5.8-§5.12): enumerations and range edges.
ENUM_VALUES = ["100", "101", "102", "103", "104", "105", "106", "10", "20", "30", "0", "1",
               "65535", "65536", "9999", "10000"]
# The fixture keys in the order they are applied (SPEC §5.16.1).
FIXTURE_KEYS = ["vmsservers", "sipsecurityprofiles", "phonesystems", "axlservers", "portgroups",
                "portgroupservers", "portgroupcodecs", "ports"]
def main():
    fields = field_names()
    elems = elements()
    write_dict("fuzz_body_xml", [f"<{n}>" for n in fields] + [f"</{n}>" for n in fields]
               + [f"<{n} >" for n in fields if n.startswith(("Media", "Host"))]
               + [f"<{n}/>" for n in ("CcmAXLPassword", "HostOrIPAddress", "HostOrIPAddressV6")]
               + [f"<{e}>" for e in elems] + [f"</{e}>" for e in elems]
               + ["<HostOrIpAddress>", "</HostOrIpAddress>", "<hostoripaddressv6>"]
               + [f">{v}<" for v in ENUM_VALUES]
               + ["<!DOCTYPE", "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>", "&amp;", "&#x",
                  "xmlns:", "/>"])
    write_dict("fuzz_body_json", [f'"{n}":' for n in fields] + [f'"{e}":{{' for e in elems]
               + ['"HostOrIpAddress":', '"hostoripaddressv6":']
               + [f":{v}" for v in ENUM_VALUES] + [f':"{v}"' for v in ENUM_VALUES]
               + ['"Port":{', "null", "true", "false", "\\u", "1e", "[]"])
    write_dict("fuzz_fixture", [f'"{n}":' for n in fields]
               + [f'"{k}":[' for k in FIXTURE_KEYS]
               + ['"TelephonyIntegrationMethodEnum":1', '"TelephonyIntegrationMethodEnum":2',
                  '"TelephonyIntegrationMethodEnum":3']
               + [f'"MediaRemoteServiceEnum":{v}' for v in range(100, 107)]
               + [f'"RtpCodecDefObjectId":"{c}"' for c in CODECS]
               + ['"PreferredPacketSizeMs":20', '"SkinnyStateMachineEnum":20', '"DoTLS":true',
                  '"CcmAXLPassword":"x"', '"Port":5060']
               + ["null", "true", "false", "{}", "[]"])
    write_dict("fuzz_query", fields + ["rowsPerPage=", "pageNumber=", "query=(", "sort=(",
                                       "%20is%20", "%20startswith%20", "%20asc)", "%20desc)",
                                       "&", "%"])
    spec = open(SPEC, encoding="utf-8").read()
    seed = open(SEED, encoding="utf-8").read()
    code = blocks(spec) + blocks(seed) + inline_code(spec)
    xml = [b for b in code if b.lstrip().startswith("<")]
    jsn = [b for b in code if b.lstrip().startswith("{")]
    xml += [
        '<?xml version="1.0" encoding="UTF-8"?><Port><CapMWI>true</CapMWI></Port>',
        "<Port><CapAnswer>>true</CapAnswer><HuntOrder/></Port>",
        "<Port><DisplayName><![CDATA[a<b]]></DisplayName><!-- c --><?pi x?></Port>",
        "<Port><DisplayName>&lt;&amp;&#x41;&#66;</DisplayName></Port>",
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        "<Port><a:CapMWI xmlns:a='u'>1</a:CapMWI><x><y><z/></y></x></Port>",
        "\ufeff<Port><DisplayName>\u00e9\u4e2d</DisplayName></Port>",
        "<a>" * 33 + "</a>" * 33,
    ]
    xml += TELEPHONY_XML
    jsn += [
        '{"Port":{"CapMWI":true,"HuntOrder":1,"DisplayName":"x"}}',
        '{"NumberOfPorts":2.0,"HuntOrder":1e2,"x":[],"y":null,"z":[1,{"a":{}}]}',
        '{"big":123456789012345678901234567890,"neg":-9223372036854775808,"f":1.50}',
        '{"a":"\\u0000","b":"\\ud83d\\ude00","c":"\\ud800"}',
        "\ufeff{}",
        "null",
        '{"a":1} x',
        "[" * 33 + "]" * 33,
    ]
    jsn += TELEPHONY_JSON
    write("fuzz_body_xml", xml)
    write("fuzz_body_json", jsn)

    fixtures = c_strings(os.path.join(ROOT, "src", "api", "fixtures_builtin.c"))
    fixtures += [b for b in jsn if '"vmsservers"' in b or '"portgroups"' in b]
    fixtures += [
        "{}",
        '{"vmsservers":[{"ServerName":"a"},{"ServerName":"b"}]}',
        '{"phonesystems":[{"DisplayName":"P"}],"portgroups":[{"MediaSwitchObjectId":"x"}]}',
        '{"phonesystems":[{"ObjectId":"ps1","DisplayName":"P"}],'
        '"portgroups":[{"ObjectId":"pg1","MediaSwitchObjectId":"ps1",'
        '"TelephonyIntegrationMethodEnum":3}],'
        '"ports":[{"MediaPortGroupObjectId":"pg1","PortNumInGroup":2},'
        '{"MediaPortGroupObjectId":"pg1"}]}',
    ]
    fixtures += TELEPHONY_FIXTURES
    write("fuzz_fixture", fixtures)

    queries = []
    for line in spec.splitlines():
        m = re.match(r"\| `[a-z]+(?:/[0-9a-f-]+)?\?([^`]*)`", line)
        if m:
            queries.append(m.group(1))
    queries += [q.split("?", 1)[1] for q in inline_code(spec) if "?" in q and "=" in q]
    queries += ["rowsPerPage=2&pageNumber=1&sort=(DisplayName%20asc)",
                "query=(DisplayName+startswith+%E4%B8%AD)", "pageNumber=0", "a&&b=&=c",
                "query=(PortNumInGroup%20is%20-0001)", "rowsPerPage=99999999999"]
    write("fuzz_query", queries)

    accepts = ["*/*", "application/json", "application/json, */*", "application/xml, */*",
               "application/xml, application/json", "application/json;q=0, */*", "text/html",
               "Application/XML; charset=utf-8", "text/xml;q=0.000,application/*;q=1", " , ;",
               "application/json; charset=UTF-8", "0123456789abcdef0123456789abcdef",
               "req-1.2_3"]
    write("fuzz_negotiate", accepts)

    heads = [b"GET /vmrest/ports HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n",
             b"\r\nGET /vmrest/version HTTP/1.0\n\n",
             b"POST /vmrest/ports HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello",
             b"POST /vmrest/ports HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
             b"GET /a\x00b HTTP/1.1\r\n\r\n", b"BLAH\r\n\r\n",
             b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
             b"PUT / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
             b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"ffffffffffffffffff\r\n"]
    write("fuzz_http", heads)

    paths = ["/vmrest/ports", "/vmrest/ports/",
             "/vmrest/ports/ec664876-5879-4cff-a022-4929b37bd575",
             "/vmrest/p%6Frts", "/vmrest/%2e/ports", "/vmrest/ports/..", "/vmrest//ports",
             "/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/axlservers",
             "/vmrest/phonesystems/x/phonesystemassociations", "/cupid/fixtures/seed",
             "/cupid/health", "/vmrest/ports/%00", "/vmrest/ports/%C0%AF",
             "/vmrest/ports/%E4%B8%AD",
             "/vmrest/ports/%", "/vmrest/ports/%4", "/", "",
             "/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupservers",
             "/vmrest/portgroups/x/portgroupservers/y", "/vmrest/portgroups/x/portgroupservers/",
             "/vmrest/portgroups/x/portgroupcodecs/y/z", "/vmrest/portgroups//portgroupcodecs",
             "/vmrest/phonesystems/x/axlservers/%2F", "/vmrest/rtpcodecdefs/" + CODECS[0],
             "/vmrest/sipsecurityprofiles/eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39",
             "/vmrest/sipcertificates/x"]
    paths += [p for p in inline_code(spec) if p.startswith("/vmrest") or p.startswith("/cupid")]
    write("fuzz_path", paths)

    def basic(u, p):
        return "Basic " + base64.b64encode(f"{u}:{p}".encode()).decode()
    auths = [basic("admin", "adminpw"), basic("Reader", "p:w:x"), basic("a" * 64, ""),
             basic("", "x"), "basic   " + base64.b64encode(b"u\x00x:pw").decode() + "  ",
             "Basic YWRtaW4=", "Basic ====", "Bearer abc", "Basic " + "QUFB" * 256]
    write("fuzz_auth", auths)


if __name__ == "__main__":
    main()
