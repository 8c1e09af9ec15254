"""An example "script under test" for the pytest_cupid README: adds SIP ports to a port group
through CUPI, as a provisioning script would, with nothing but urllib."""

import base64
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request


class ProvisioningError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def _call(base_url, user, password, method, path, body=None, cafile=None):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    req = urllib.request.Request(base_url + path, method=method, headers={
        "Authorization": "Basic " + token, "Accept": "application/json",
        "Content-Type": "application/json"},
        data=json.dumps(body).encode() if body is not None else None)
    ctx = ssl.create_default_context(cafile=cafile) if base_url.startswith("https:") else None
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
            return r.read().decode()
    except urllib.error.HTTPError as err:
        text = err.read().decode("utf-8", "replace")
        try:
            e = json.loads(text)["errors"]
            code, message = e["code"], e["message"]
        except (ValueError, KeyError, TypeError):
            code, message = None, text
        raise ProvisioningError(err.code, code, message) from None


def _port_uris(base_url, user, password, port_group, cafile):
    q = urllib.parse.quote(f"(MediaPortGroupObjectId is {port_group})")
    d = json.loads(_call(base_url, user, password, "GET",
                         f"/vmrest/ports?query={q}&sort=(PortNumInGroup%20asc)", cafile=cafile))
    ports = d.get("Port", [])
    if isinstance(ports, dict):  # CUPI renders a one-element list as the element itself
        ports = [ports]
    return [p["URI"] for p in ports]


def add_sip_ports(base_url, user, password, port_group, vms_server, count=2, cafile=None):
    """Adds count (even) ports to the SIP port group with one POST /vmrest/ports and returns
    the new ports' URIs, lowest PortNumInGroup first. Raises ProvisioningError when CUPI
    refuses."""
    before = set(_port_uris(base_url, user, password, port_group, cafile))
    _call(base_url, user, password, "POST", "/vmrest/ports", {
        "MediaPortGroupObjectId": port_group, "VmsServerObjectId": vms_server,
        "NumberOfPorts": count}, cafile=cafile)
    return [u for u in _port_uris(base_url, user, password, port_group, cafile)
            if u not in before]
