// Takes the README's picture of the web page (docs/ui.png) with the browser tests' tooling:
// a real cupid with the seed fixture and a few more ports, servers and codecs, Debian's
// headless Chromium 1280 px wide, the whole page (the SIP group's servers, codecs and ports).
// Run: cd tests/browser && npm ci && node screenshot.mjs ../../docs/ui.png
import path from 'node:path';

import { ADMIN, launch, request, startCupid } from './cupid.mjs';

const out = path.resolve(process.argv[2] || 'ui.png');
const cupid = await startCupid(['--fixture=seed']);
const browser = await launch();
try {
	const api = (method, p, body) => request(cupid.url, method, p, { body });
	const vms = '574ca5d3-9041-4ff9-8e7d-727c32d80dab';
	const sip = '/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385';
	const must = async (method, p, body) => {
		const r = await api(method, p, body);
		if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${r.text}`);
	};
	await must('POST', '/vmrest/ports', { MediaPortGroupObjectId: 'ledf504a-e9a1-4876-bcfc-bb674da8e385', NumberOfPorts: 4, VmsServerObjectId: vms });
	await must('POST', `${sip}/portgroupservers`, { HostOrIPAddress: '192.0.2.22', HostOrIPAddressV6: '2001:db8::22' });
	await must('POST', `${sip}/portgroupservers`, { MediaRemoteServiceEnum: '101', HostOrIPAddress: '192.0.2.21' });
	await must('POST', `${sip}/portgroupcodecs`, { RtpCodecDefObjectId: '40ee229d-e585-4b01-87af-e01283c34dd4', PreferredPacketSizeMs: '30' });
	await api('PUT', '/vmrest/ports/761fa322-63ae-47d9-9fbf-b35142b11eef', { HuntOrder: '5', SkinnySecurityModeEnum: '2', CapMWI: 'false' });
	const page = await browser.context.newPage();
	await page.goto(`${cupid.url}/cupid/ui/`);
	await page.fill('#login-user', ADMIN[0]);
	await page.fill('#login-password', ADMIN[1]);
	await page.click('#login-submit');
	await page.waitForFunction(() => document.querySelectorAll('#ports-table tbody tr').length === 6 &&
		document.querySelectorAll('#srv-table tbody tr').length === 3 && document.querySelectorAll('#codec-table tbody tr').length === 3);
	await page.evaluate(() => document.activeElement.blur());
	await page.mouse.move(0, 0); // no hover highlight in the picture
	await page.screenshot({ path: out, fullPage: true });
	console.log(`screenshot: ${out}`);
} finally {
	await browser.close();
	await cupid.stop();
}
