// Browser tests of cupid's web page (/cupid/ui/): a real cupid, Debian's headless Chromium,
// driven by playwright-core; checks go through the page and, independently, through the API.
// Run: npm ci && CUPID_BIN=../../cupid node --test --test-reporter=tap ui.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';

import { ADMIN, READER, items, launch, request, startCupid } from './cupid.mjs';

const TPL = { SCCP: '90dd306f-b8af-46b6-8289-f13437cc1e5e', SIP: '47e03eca-d077-466b-9c97-54e62938cf26' };
const CODEC = { alaw: '568914d1-6ac1-42f9-94fb-8d6beddef6cb', ulaw: '0a588d98-bcd0-43f7-beed-4066b1b8bd89' };
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'cupid-ui-shots-'));

let cupid, browser;
const api = (method, p, opts) => request(cupid.url, method, p, opts);
const q = (s) => encodeURIComponent(s);

// Sets up a phone system with one port group (and ports) through the API; returns their ids.
async function provision(name, type, ports) {
	let r = await api('POST', '/vmrest/phonesystems', { body: { DisplayName: name } });
	assert.equal(r.status, 201, r.text);
	const ps = r.text.split('/').pop();
	r = await api('POST', '/vmrest/portgroups', { body: { MediaSwitchObjectId: ps, MediaPortGroupTemplateObjectId: TPL[type] } });
	assert.equal(r.status, 201, r.text);
	const pg = r.text.split('/').pop();
	if (ports) {
		const vms = items((await api('GET', '/vmrest/vmsservers')).json, 'VmsServer')[0].ObjectId;
		r = await api('POST', '/vmrest/ports', { body: { MediaPortGroupObjectId: pg, NumberOfPorts: ports, VmsServerObjectId: vms } });
		assert.equal(r.status, 201, r.text);
	}
	return { ps, pg };
}

// A new page that records every API request and fails the test on a JavaScript error.
async function open(viewport) {
	const page = await browser.context.newPage();
	if (viewport) await page.setViewportSize(viewport);
	page.apiRequests = [];
	page.jsErrors = [];
	page.on('request', (rq) => {
		if (/\/(vmrest|cupid\/(whoami|health))/.test(rq.url())) page.apiRequests.push(rq);
	});
	page.on('pageerror', (e) => page.jsErrors.push(e));
	page.on('dialog', (d) => { page.jsErrors.push(new Error(`unexpected browser dialog: ${d.message()}`)); d.dismiss(); });
	await page.goto(`${cupid.url}/cupid/ui/`);
	return page;
}

async function done(page) {
	assert.deepEqual(page.jsErrors.map(String), []);
	await page.close();
}

async function login(page, [user, pw]) {
	await page.fill('#login-user', user);
	await page.fill('#login-password', pw);
	await page.click('#login-submit');
	await page.waitForSelector('#app-view:not([hidden])');
	await page.waitForFunction(() => document.querySelector('#m-ports-text').textContent !== '–');
}

const closed = (page, sel) => page.waitForSelector(`${sel}:not([open])`, { state: 'attached' });
const until = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: 10000 });
const rowCount = (page, table, n) => until(page, ([t, k]) => document.querySelectorAll(`#${t} tbody tr`).length === k, [table, n]);
const firstCells = (page, table) => page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => tr.cells[0].textContent));
const options = (page, sel) => page.$$eval(`${sel} option`, (os) => os.map((o) => o.textContent));
const focused = (page) => page.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('aria-label'));
// A group's servers or codecs through the API.
const servers = async (pg) => items((await api('GET', `/vmrest/portgroups/${pg}/portgroupservers`)).json, 'PortGroupServer');
const codecs = async (pg) => items((await api('GET', `/vmrest/portgroups/${pg}/portgroupcodecs`)).json, 'PortGroupCodec');
// The text a refusal should show: cupid's own message for the same request, and its code.
async function refusal(method, p, body) {
	const r = await api(method, p, { body });
	assert.equal(r.status, 400, r.text);
	return `${r.json.errors.message} (${r.json.errors.code})`;
}

describe('cupid web page', () => {
	before(async () => {
		cupid = await startCupid();
		browser = await launch();
	});
	after(async () => {
		if (browser) await browser.close();
		if (cupid) await cupid.stop();
		console.log(`screenshots: ${shots}`);
	});
	beforeEach(async () => {
		const r = await api('POST', '/cupid/reset');
		assert.equal(r.status, 200, r.text);
	});

	test('the page is served from the binary without credentials', async () => {
		let r = await request(cupid.url, 'GET', '/cupid/ui/', { user: null });
		assert.equal(r.status, 200);
		assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
		assert.equal(r.headers['cache-control'], 'no-cache');
		assert.match(r.text, /<script src="app.js" defer><\/script>/);
		for (const [f, type] of [['app.js', 'text/javascript; charset=utf-8'], ['style.css', 'text/css; charset=utf-8']]) {
			r = await request(cupid.url, 'GET', `/cupid/ui/${f}`, { user: null });
			assert.equal(r.status, 200, f);
			assert.equal(r.headers['content-type'], type, f);
		}
		r = await request(cupid.url, 'GET', '/cupid/ui/nope.js', { user: null });
		assert.equal(r.status, 404);
		assert.equal(r.json.errors.code, 'NOT_FOUND');
		r = await request(cupid.url, 'GET', '/cupid/ui', { user: null });
		assert.equal(r.status, 301);
		assert.equal(r.headers.location, 'ui/');
		const src = fs.readFileSync(new URL('../../ui/app.js', import.meta.url), 'utf8');
		assert.doesNotMatch(src, /localStorage|sessionStorage|document\.cookie|indexedDB/);
	});

	test('main flow: phone system, SIP group, ports, paging, search, edit, errors, delete', async () => {
		const page = await open();
		await login(page, ADMIN);
		assert.equal(await page.textContent('#who-name'), 'admin');
		assert.equal(await page.textContent('#m-ports-text'), '0 of 250 ports used');
		// Nothing of the credentials is kept outside the page's memory.
		assert.deepEqual(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie, location.href.includes('adminpw')]), [0, 0, '', false]);
		assert.equal(await page.inputValue('#login-password'), '');
		assert.deepEqual(await browser.context.cookies(), []);

		// A phone system.
		await page.click('#ps-new');
		await page.fill('#dlg-name-input', 'Lab');
		await page.click('#dlg-name button[type=submit]');
		await rowCount(page, 'ps-table', 1);
		assert.deepEqual(await firstCells(page, 'ps-table'), ['Lab']);

		// A SIP port group made from the SIP template.
		await page.click('#pg-new');
		await page.waitForSelector('#dlg-pg[open]');
		assert.deepEqual(await page.$$eval('#pg-template option', (o) => o.map((x) => x.textContent)), ['SCCP', 'SIP', 'PIMG/TIMG']);
		await page.selectOption('#pg-template', { label: 'SIP' });
		await page.click('#dlg-pg button[type=submit]');
		await rowCount(page, 'pg-table', 1);
		assert.match(await page.textContent('#pg-table tbody tr'), /Lab-1\s*SIP\s*0/);

		// Four ports on the VMS server.
		await page.click('#ports-add');
		await page.waitForSelector('#dlg-add[open]');
		assert.equal(await page.isVisible('#add-server'), true);
		await page.fill('#add-count', '4');
		await page.click('#dlg-add button[type=submit]');
		await rowCount(page, 'ports-table', 4);
		assert.deepEqual(await firstCells(page, 'ports-table'), ['Lab-1-001', 'Lab-1-002', 'Lab-1-003', 'Lab-1-004']);
		await until(page, () => document.querySelector('#m-ports-text').textContent === '4 of 250 ports used');
		assert.equal(await page.textContent('#m-groups-text'), '1 of 90 groups used');
		assert.match(await page.textContent('#ps-table tbody tr'), /Lab\s*4/);

		// Paging, server-side.
		await page.selectOption('#ports-rows', '2');
		await rowCount(page, 'ports-table', 2);
		assert.equal(await page.textContent('#ports-page'), 'Page 1 of 2 · 4 ports');
		assert.equal(await page.isDisabled('#ports-prev'), true);
		await page.click('#ports-next');
		await until(page, () => document.querySelector('#ports-page').textContent.startsWith('Page 2'));
		assert.deepEqual(await firstCells(page, 'ports-table'), ['Lab-1-003', 'Lab-1-004']);
		assert.equal(await page.isDisabled('#ports-next'), true);
		assert.ok(page.apiRequests.some((r) => r.url().includes('rowsPerPage=2&pageNumber=2')));
		await page.click('#ports-prev');
		await until(page, () => document.querySelector('#ports-page').textContent.startsWith('Page 1'));

		// Sorting by a column header.
		await page.click('th button[data-sort="DisplayName"]');
		await until(page, () => document.querySelector('#ports-table tbody td').textContent === 'Lab-1-004');
		assert.equal(await page.getAttribute('th:has(button[data-sort="DisplayName"])', 'aria-sort'), 'descending');
		assert.ok(page.apiRequests.some((r) => decodeURIComponent(r.url()).includes('sort=(DisplayName desc)')));
		await page.click('th button[data-sort="HuntOrder"]');
		await until(page, () => document.querySelector('th:has(button[data-sort="HuntOrder"])').getAttribute('aria-sort') === 'ascending');
		await page.click('th button[data-sort="DisplayName"]');
		await until(page, () => document.querySelector('#ports-table tbody td').textContent === 'Lab-1-001');

		// Searching by name.
		await page.fill('#ports-search', 'lab-1-003');
		await page.press('#ports-search', 'Enter');
		await until(page, () => document.querySelector('#ports-page').textContent.endsWith('· 1 port'));
		assert.deepEqual(await firstCells(page, 'ports-table'), ['Lab-1-003']);
		assert.ok(page.apiRequests.some((r) => decodeURIComponent(r.url()).includes('query=(DisplayName startswith lab-1-003)')));
		await page.fill('#ports-search', '');
		await page.press('#ports-search', 'Enter');
		await page.selectOption('#ports-rows', '10');
		await rowCount(page, 'ports-table', 4);

		// Editing a port: capabilities, hunt order, security mode; the API sees the change.
		await page.click('button[aria-label="Edit port Lab-1-002"]');
		await page.waitForSelector('#dlg-port[open]');
		await page.fill('#port-hunt', '7');
		await page.uncheck('#cap-CapMWI');
		await page.check('#cap-CapDeliverAmis');
		await page.selectOption('#port-security', { label: 'Authenticated' });
		await page.click('#dlg-port button[type=submit]');
		await closed(page, '#dlg-port');
		let r = await api('GET', `/vmrest/ports?query=${q('(DisplayName is Lab-1-002)')}`);
		const port = items(r.json, 'Port')[0];
		assert.equal(port.HuntOrder, '7');
		assert.equal(port.CapMWI, 'false');
		assert.equal(port.CapDeliverAmis, 'true');
		assert.equal(port.SkinnySecurityModeEnum, '1');
		assert.equal(port.CapAnswer, 'true');
		await until(page, () => /Lab-1-002\s*2\s*7\s*Yes/.test(document.querySelector('#ports-table tbody tr:nth-child(2)').textContent));
		assert.match(await page.textContent('#ports-table tbody tr:nth-child(2)'), /Answer, Notify, TRAP, AMIS\s*Authenticated/);

		// A server refusal stays in the dialog, in the server's words: an odd count, the licence.
		await page.click('#ports-add');
		await page.waitForSelector('#dlg-add[open]');
		await page.fill('#add-count', '3');
		await page.click('#dlg-add button[type=submit]');
		await page.waitForSelector('#dlg-add .error:not([hidden])');
		assert.match(await page.textContent('#dlg-add .error'), /NumberOfPorts.*\(INVALID_PARAMETER\)/);
		assert.equal(await page.isVisible('#dlg-add'), true);
		await page.fill('#add-count', '300');
		await page.click('#dlg-add button[type=submit]');
		await until(page, () => document.querySelector('#dlg-add .error').textContent.includes('LICENSE_EXCEEDED'));
		await page.click('#dlg-add button[data-close]');
		await closed(page, '#dlg-add');
		r = await api('GET', '/vmrest/ports?pageNumber=0');
		assert.equal(r.json['@total'], '4');

		// A duplicate name is refused in words too.
		await page.click('#ps-new');
		await page.fill('#dlg-name-input', 'Lab');
		await page.press('#dlg-name-input', 'Enter');
		await until(page, () => document.querySelector('#dlg-name .error').textContent.includes('DUPLICATE_NAME'));
		await page.keyboard.press('Escape');
		await closed(page, '#dlg-name');

		const full = path.join(shots, 'ui-1280-ports.png');
		await page.screenshot({ path: full });
		console.log(`screenshot: ${full}`);

		// Deleting the phone system says what the cascade removes, then empties the tables.
		await page.click('button[aria-label="Delete phone system Lab"]');
		await page.waitForSelector('#dlg-confirm[open]');
		assert.match(await page.textContent('#dlg-confirm-text'), /deletes its 1 port group and 4 ports/);
		await page.click('#dlg-confirm button[type=submit]');
		await rowCount(page, 'ps-table', 0);
		await rowCount(page, 'ports-table', 0);
		await rowCount(page, 'pg-table', 0);
		await until(page, () => document.querySelector('#m-ports-text').textContent === '0 of 250 ports used');
		r = await api('GET', '/vmrest/ports?pageNumber=0');
		assert.equal(r.json['@total'], '0');

		// Every API request carried the page's headers; bodies were JSON.
		assert.ok(page.apiRequests.length > 20);
		for (const rq of page.apiRequests) {
			const hd = rq.headers();
			assert.equal(hd['x-requested-with'], 'cupid-ui', rq.url());
			assert.equal(hd.accept, 'application/json', rq.url());
			if (rq.postData()) assert.equal(hd['content-type'], 'application/json', rq.url());
			if (!rq.url().endsWith('/cupid/health')) assert.match(hd.authorization || '', /^Basic /, rq.url());
		}
		const end = path.join(shots, 'ui-1280-end.png');
		await page.screenshot({ path: end, fullPage: true });
		console.log(`screenshot: ${end}`);
		await done(page);
	});

	test('the add-ports dialog works with the keyboard alone', async () => {
		await provision('Keys', 'SCCP', 0);
		const page = await open();
		// Log in by keyboard: the user name field has the focus when the page opens.
		await until(page, () => document.activeElement && document.activeElement.id === 'login-user');
		await page.keyboard.type(ADMIN[0]);
		await page.keyboard.press('Tab');
		await page.keyboard.type(ADMIN[1]);
		await page.keyboard.press('Enter');
		await page.waitForSelector('#app-view:not([hidden])');
		await rowCount(page, 'pg-table', 1);
		// Once everything has loaded the focus is on the first card's title.
		await until(page, () => document.activeElement && document.activeElement.id === 'ps-title');

		// Tab until "Add ports" has the focus; everything on the way is a real control.
		const seen = [];
		for (let i = 0; i < 80; i++) {
			await page.keyboard.press('Tab');
			const a = await page.evaluate(() => ({ id: document.activeElement.id, tag: document.activeElement.tagName }));
			seen.push(a.id || a.tag);
			if (a.id === 'ports-add') break;
		}
		assert.equal(seen[seen.length - 1], 'ports-add', `Tab order: ${seen.join(' ')}`);
		assert.ok(seen.includes('ps-new') && seen.includes('pg-new'), seen.join(' '));

		// Escape closes the dialog and gives the focus back.
		await page.keyboard.press('Enter');
		await page.waitForSelector('#dlg-add[open]');
		await page.keyboard.press('Escape');
		await closed(page, '#dlg-add');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'ports-add');

		// Open it with Space, tab through it, submit it with Enter.
		await page.keyboard.press('Space');
		await page.waitForSelector('#dlg-add[open]');
		const focus = () => page.evaluate(() => document.activeElement.id || document.activeElement.textContent);
		assert.equal(await focus(), 'add-count');
		await page.keyboard.type('6');
		await page.keyboard.press('Tab');
		assert.equal(await focus(), 'add-server');
		await page.keyboard.press('Tab');
		assert.equal(await focus(), 'Cancel');
		await page.keyboard.press('Tab');
		assert.equal(await focus(), 'Add ports');
		await page.keyboard.press('Enter');
		await closed(page, '#dlg-add');
		await rowCount(page, 'ports-table', 6);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'ports-add');
		const r = await api('GET', '/vmrest/ports?pageNumber=0');
		assert.equal(r.json['@total'], '6');

		// A sort header works with Space.
		await page.focus('th button[data-sort="PortNumInGroup"]');
		await page.keyboard.press('Space');
		await until(page, () => document.querySelector('th:has(button[data-sort="PortNumInGroup"])').getAttribute('aria-sort') === 'ascending');
		await done(page);
	});

	test('a port group\'s servers: add, edit, delete, refusals in the dialog', async () => {
		const { pg } = await provision('Tel', 'SCCP', 0);
		const page = await open();
		await login(page, ADMIN);
		await until(page, () => document.querySelector('#integ-title').textContent === 'Servers and codecs of Tel-1');
		await page.waitForSelector('#srv-empty:not([hidden])');
		assert.equal(await page.textContent('#srv-empty'), 'Tel-1 has no servers yet.');
		assert.deepEqual(await page.$$eval('#srv-table th', (ths) => ths.map((t) => t.textContent)),
			['Service', 'Address', 'IPv6 address', 'Port', 'TLS port', 'Order', 'Server type', 'Actions']);

		// By keyboard: Enter opens the dialog on the service, Escape gives the focus back.
		await page.focus('#srv-add');
		await page.keyboard.press('Enter');
		await page.waitForSelector('#dlg-srv[open]');
		assert.equal(await focused(page), 'srv-service');
		await page.keyboard.press('Escape');
		await closed(page, '#dlg-srv');
		assert.equal(await focused(page), 'srv-add');

		// Only the services an SCCP group accepts, the primary first, with their default ports.
		await page.click('#srv-add');
		await page.waitForSelector('#dlg-srv[open]');
		assert.deepEqual(await options(page, '#srv-service'), ['Cisco Unified CM', 'TFTP']);
		assert.deepEqual([await page.inputValue('#srv-port'), await page.inputValue('#srv-tls'), await page.inputValue('#srv-order')], ['2000', '2443', '']);
		await page.selectOption('#srv-service', { label: 'TFTP' });
		assert.deepEqual([await page.inputValue('#srv-port'), await page.inputValue('#srv-tls')], ['69', '']);
		await page.selectOption('#srv-service', { label: 'Cisco Unified CM' });
		assert.deepEqual([await page.inputValue('#srv-port'), await page.inputValue('#srv-tls')], ['2000', '2443']);
		assert.equal(await page.isVisible('#srv-skinny'), true);

		// Refusals in cupid's words, in the dialog: no address, a port out of range.
		const path = `/vmrest/portgroups/${pg}/portgroupservers`;
		await page.click('#dlg-srv button[type=submit]');
		await page.waitForSelector('#dlg-srv .error:not([hidden])');
		assert.equal(await page.textContent('#dlg-srv .error'),
			await refusal('POST', path, { MediaRemoteServiceEnum: '100', Port: '2000', TlsPort: '2443', SkinnyStateMachineEnum: '10' }));
		assert.match(await page.textContent('#dlg-srv .error'), /HostOrIPAddress.*\(INVALID_PARAMETER\)$/);
		await page.fill('#srv-host', '10.0.0.1');
		await page.fill('#srv-port', '70000');
		await page.click('#dlg-srv button[type=submit]');
		const outOfRange = await refusal('POST', path, { HostOrIPAddress: '10.0.0.1', Port: '70000' });
		assert.match(outOfRange, /^Port.*\(INVALID_PARAMETER\)$/);
		await until(page, (t) => document.querySelector('#dlg-srv .error').textContent === t, outOfRange);
		assert.equal(await page.isVisible('#dlg-srv'), true);
		assert.equal((await servers(pg)).length, 0);
		await page.fill('#srv-port', '2000');
		await page.click('#dlg-srv button[type=submit]');
		await closed(page, '#dlg-srv');
		await rowCount(page, 'srv-table', 1);
		let [s] = await servers(pg);
		assert.deepEqual([s.MediaRemoteServiceEnum, s.HostOrIPAddress, s.Port, s.TlsPort, s.Precedence, s.SkinnyStateMachineEnum],
			['100', '10.0.0.1', '2000', '2443', '0', '10']);
		assert.equal(await focused(page), 'srv-add');

		// A TFTP server: port 69 and no TLS port.
		await page.click('#srv-add');
		await page.selectOption('#srv-service', { label: 'TFTP' });
		await page.fill('#srv-host', 'tftp.example.net');
		await page.press('#srv-host', 'Enter');
		await rowCount(page, 'srv-table', 2);
		const tftp = (await servers(pg)).find((x) => x.MediaRemoteServiceEnum === '101');
		assert.deepEqual([tftp.HostOrIPAddress, tftp.Port, tftp.TlsPort, tftp.Precedence], ['tftp.example.net', '69', undefined, '0']);
		assert.match(await page.textContent(`#srv-table tr[data-id="${tftp.ObjectId}"]`), /^TFTP\s*tftp\.example\.net\s*—\s*69\s*—\s*0\s*Cisco Unified CM/);

		// Editing: the service is fixed, the rest changes; the API sees it.
		await page.click('button[aria-label="Edit server 10.0.0.1 (Cisco Unified CM)"]');
		await page.waitForSelector('#dlg-srv[open]');
		assert.equal(await page.isDisabled('#srv-service'), true);
		assert.equal(await page.inputValue('#srv-order'), '0');
		await page.fill('#srv-host6', '2001:db8::1');
		await page.fill('#srv-order', '3');
		await page.selectOption('#srv-skinny', { label: 'Cisco Unified CM Express' });
		await page.click('#dlg-srv button[type=submit]');
		await closed(page, '#dlg-srv');
		s = (await servers(pg)).find((x) => x.ObjectId === s.ObjectId);
		assert.deepEqual([s.MediaRemoteServiceEnum, s.HostOrIPAddress, s.HostOrIPAddressV6, s.Precedence, s.SkinnyStateMachineEnum],
			['100', '10.0.0.1', '2001:db8::1', '3', '20']);
		await until(page, (id) => /2001:db8::1\s*2000\s*2443\s*3\s*Cisco Unified CM Express/.test(
			document.querySelector(`#srv-table tr[data-id="${id}"]`).textContent), s.ObjectId);
		assert.equal(await focused(page), 'Edit server 10.0.0.1 (Cisco Unified CM)');
		// Clearing the only IPv4 address is fine while the IPv6 one stays; clearing both is refused.
		await page.click('button[aria-label="Edit server 10.0.0.1 (Cisco Unified CM)"]');
		await page.fill('#srv-host', '');
		await page.fill('#srv-host6', '');
		await page.click('#dlg-srv button[type=submit]');
		await page.waitForSelector('#dlg-srv .error:not([hidden])');
		assert.equal(await page.textContent('#dlg-srv .error'),
			await refusal('PUT', `${path}/${s.ObjectId}`, { HostOrIPAddress: '', HostOrIPAddressV6: '' }));
		await page.click('#dlg-srv button[data-close]');
		await closed(page, '#dlg-srv');

		// Deleting asks first, and says when it is the group's last server.
		await page.click('button[aria-label="Delete server tftp.example.net (TFTP)"]');
		await page.waitForSelector('#dlg-confirm[open]');
		assert.equal(await page.textContent('#dlg-confirm-title'), 'Delete server tftp.example.net (TFTP)?');
		assert.match(await page.textContent('#dlg-confirm-text'), /keeps its 1 other server/);
		assert.doesNotMatch(await page.textContent('#dlg-confirm-text'), /last/);
		assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel', 'the focus starts on Cancel');
		await page.click('#dlg-confirm button[type=submit]');
		await rowCount(page, 'srv-table', 1);
		await page.click('button[aria-label="Delete server 10.0.0.1 (Cisco Unified CM)"]');
		await page.waitForSelector('#dlg-confirm[open]');
		assert.match(await page.textContent('#dlg-confirm-text'), /It is the last server of Tel-1/);
		await page.click('#dlg-confirm button[type=submit]');
		await page.waitForSelector('#srv-empty:not([hidden])');
		assert.equal((await servers(pg)).length, 0);
		await done(page);
	});

	test('a port group\'s codecs: add, edit, remove, a refusal in the dialog', async () => {
		const { pg } = await provision('Cod', 'SIP', 0);
		const page = await open();
		await login(page, ADMIN);
		await rowCount(page, 'codec-table', 2);
		assert.deepEqual(await firstCells(page, 'codec-table'), ['G.711 mu-law', 'G.729']);
		assert.match(await page.textContent('#codec-table tbody tr'), /G\.711 mu-law\s*20 ms\s*0/);

		// Only the definitions the group does not advertise yet; 20 ms preselected.
		await page.click('#codec-add');
		await page.waitForSelector('#dlg-codec[open]');
		assert.deepEqual(await options(page, '#codec-def'), ['G.711 a-law', 'G.722', 'iLBC']);
		assert.deepEqual(await options(page, '#codec-size'), ['10 ms', '20 ms', '30 ms']);
		assert.equal(await page.inputValue('#codec-size'), '20');
		assert.equal(await page.inputValue('#codec-pref'), '');
		await page.selectOption('#codec-def', { label: 'G.722' });
		await page.selectOption('#codec-size', '30');
		await page.click('#dlg-codec button[type=submit]');
		await closed(page, '#dlg-codec');
		await rowCount(page, 'codec-table', 3);
		let c = (await codecs(pg)).find((x) => x.RtpCodecDefDisplayName === 'G.722');
		assert.deepEqual([c.PreferredPacketSizeMs, c.Preference], ['30', '2']);
		assert.deepEqual(await firstCells(page, 'codec-table'), ['G.711 mu-law', 'G.729', 'G.722']);

		// Someone else adds G.711 a-law meanwhile: the page's offer is stale, cupid refuses.
		const path = `/vmrest/portgroups/${pg}/portgroupcodecs`;
		assert.equal((await api('POST', path, { body: { RtpCodecDefObjectId: CODEC.alaw } })).status, 201);
		await page.click('#codec-add');
		await page.selectOption('#codec-def', { label: 'G.711 a-law' });
		await page.fill('#codec-pref', '7');
		await page.click('#dlg-codec button[type=submit]');
		await page.waitForSelector('#dlg-codec .error:not([hidden])');
		const dup = await refusal('POST', path, { RtpCodecDefObjectId: CODEC.alaw });
		assert.match(dup, /already advertises G\.711 a-law \(DUPLICATE_NAME\)$/);
		assert.equal(await page.textContent('#dlg-codec .error'), dup);
		// and an out-of-range preference, in cupid's words too
		await page.selectOption('#codec-def', { label: 'iLBC' });
		await page.fill('#codec-pref', '10000');
		await page.click('#dlg-codec button[type=submit]');
		const big = await refusal('POST', path, { RtpCodecDefObjectId: '0f437ce5-81b5-458c-a92f-cff6dbd90163', PreferredPacketSizeMs: '20', Preference: '10000' });
		await until(page, (t) => document.querySelector('#dlg-codec .error').textContent === t, big);
		await page.keyboard.press('Escape');
		await closed(page, '#dlg-codec');
		assert.equal((await codecs(pg)).length, 4);

		// Editing the packet size and the preference; the codec itself is fixed.
		await page.click('button[aria-label="Edit codec G.729"]');
		await page.waitForSelector('#dlg-codec[open]');
		assert.equal(await page.isDisabled('#codec-def'), true);
		assert.deepEqual(await options(page, '#codec-def'), ['G.729']);
		assert.equal(await page.inputValue('#codec-pref'), '1');
		await page.selectOption('#codec-size', '10');
		await page.fill('#codec-pref', '0');
		await page.click('#dlg-codec button[type=submit]');
		await closed(page, '#dlg-codec');
		c = (await codecs(pg)).find((x) => x.RtpCodecDefDisplayName === 'G.729');
		assert.deepEqual([c.PreferredPacketSizeMs, c.Preference], ['10', '0']);
		await rowCount(page, 'codec-table', 4);
		assert.match(await page.textContent(`#codec-table tr[data-id="${c.ObjectId}"]`), /G\.729\s*10 ms\s*0/);

		// Removing one: the list and the offer follow.
		await page.click('button[aria-label="Remove codec G.711 mu-law"]');
		await rowCount(page, 'codec-table', 3);
		assert.equal(await focused(page), 'codec-add');
		assert.equal((await codecs(pg)).some((x) => x.RtpCodecDefObjectId === CODEC.ulaw), false);
		await page.click('#codec-add');
		assert.deepEqual(await options(page, '#codec-def'), ['G.711 mu-law', 'iLBC']);
		await page.keyboard.press('Escape');
		await done(page);
	});

	test('the new-port-group dialog takes the primary server\'s address', async () => {
		let r = await api('POST', '/vmrest/phonesystems', { body: { DisplayName: 'Addr' } });
		const page = await open();
		await login(page, ADMIN);
		await page.click('#pg-new');
		await page.waitForSelector('#dlg-pg[open]');
		assert.equal(await page.textContent('#pg-host-label'), 'Cisco Unified CM address');
		await page.selectOption('#pg-template', { label: 'SIP' });
		assert.equal(await page.textContent('#pg-host-label'), 'SIP server address');
		await page.fill('#pg-host', '192.0.2.50');
		await page.click('#dlg-pg button[type=submit]');
		await closed(page, '#dlg-pg');
		await rowCount(page, 'srv-table', 1);
		const post = page.apiRequests.find((rq) => rq.method() === 'POST' && rq.url().endsWith('/vmrest/portgroups'));
		assert.equal(JSON.parse(post.postData()).HostOrIPAddress, '192.0.2.50');
		assert.match(await page.textContent('#srv-table tbody tr'), /^SIP server\s*192\.0\.2\.50\s*—\s*5060\s*5061\s*0\s*Edit/);
		assert.deepEqual(await page.$$eval('#srv-table th', (ths) => ths.map((t) => t.textContent)),
			['Service', 'Address', 'IPv6 address', 'Port', 'TLS port', 'Order', 'Actions']);
		await rowCount(page, 'codec-table', 2);
		r = await api('GET', `/vmrest/portgroups?query=${q(`(MediaSwitchObjectId is ${r.text.split('/').pop()})`)}`);
		const [s] = await servers(items(r.json, 'PortGroup')[0].ObjectId);
		assert.deepEqual([s.MediaRemoteServiceEnum, s.HostOrIPAddress, s.Port, s.TlsPort], ['102', '192.0.2.50', '5060', '5061']);
		// A SIP group takes SIP servers and TFTP servers, the SIP server first.
		await page.click('#srv-add');
		assert.deepEqual(await options(page, '#srv-service'), ['SIP server', 'TFTP']);
		assert.deepEqual([await page.inputValue('#srv-port'), await page.inputValue('#srv-tls')], ['5060', '5061']);
		assert.equal(await page.isVisible('#srv-skinny'), false);
		await page.keyboard.press('Escape');
		await done(page);
	});

	test('a read-only user sees the data and no enabled editing control', async () => {
		const { pg } = await provision('ReadMe', 'SIP', 2);
		const r = await api('POST', `/vmrest/portgroups/${pg}/portgroupservers`, { body: { HostOrIPAddress: '192.0.2.60' } });
		assert.equal(r.status, 201, r.text);
		const page = await open();
		await login(page, READER);
		await rowCount(page, 'ps-table', 1);
		await rowCount(page, 'ports-table', 2);
		// Servers and codecs are shown, and every control on them is disabled.
		await rowCount(page, 'srv-table', 1);
		await rowCount(page, 'codec-table', 2);
		assert.match(await page.textContent('#srv-table tbody tr'), /SIP server\s*192\.0\.2\.60/);
		for (const sel of ['#srv-add', '#codec-add', 'button[aria-label="Edit server 192.0.2.60 (SIP server)"]',
			'button[aria-label="Delete server 192.0.2.60 (SIP server)"]', 'button[aria-label="Edit codec G.729"]',
			'button[aria-label="Remove codec G.711 mu-law"]']) assert.equal(await page.isDisabled(sel), true, sel);
		assert.equal(await page.textContent('#who-role'), 'read-only');
		assert.equal(await page.isVisible('#readonly-note'), true);
		assert.equal(await page.textContent('#m-ports-text'), '2 of 250 ports used');
		const writes = await page.$$eval('[data-write]', (es) => es.map((e) => [e.textContent, e.disabled]));
		assert.ok(writes.length >= 19, JSON.stringify(writes));
		assert.deepEqual(writes.filter(([, disabled]) => !disabled), []);
		const enabled = await page.$$eval('button:not(:disabled), input:not(:disabled), select:not(:disabled)',
			(es) => es.filter((e) => e.offsetParent !== null).map((e) => e.textContent.trim() || e.id));
		assert.deepEqual(enabled.filter((t) => /^(New|Add|Create|Rename|Delete|Edit|Save)\b/i.test(t)), []);
		// Reading still works: paging and search are open to a read-only user.
		await page.fill('#ports-search', 'ReadMe-1-002');
		await page.press('#ports-search', 'Enter');
		await until(page, () => document.querySelector('#ports-page').textContent.endsWith('· 1 port'));
		await done(page);
	});

	test('an administrator sees the request journal live and can clear it; a reader does not', async () => {
		const page = await open();
		await login(page, ADMIN);
		await page.waitForSelector('#requests:not([hidden])');
		const r = await api('GET', '/vmrest/version?from=journal-test');
		assert.equal(r.status, 200, r.text);
		await until(page, () => /GET \/vmrest\/version\?from=journal-test\s*200/.test(document.querySelector('#req-table tbody').textContent));
		await page.click('#req-clear');
		await until(page, () => !document.querySelector('#req-empty').hidden);
		assert.equal(await page.$$eval('#req-table tbody tr', (trs) => trs.length), 0);
		assert.equal((await api('GET', '/cupid/requests?count=true')).json.count, 0);
		await done(page);
		const other = await open();
		await login(other, READER);
		assert.equal(await other.isVisible('#requests'), false);
		await done(other);
	});

	test('a wrong password shows the page\'s message, and no browser login dialog', async () => {
		const page = await open();
		const challenged = [];
		page.on('response', (res) => { if (res.headers()['www-authenticate']) challenged.push(res.url()); });
		await page.click('#login-submit');
		assert.equal(await page.textContent('#login-error'), 'Enter your user name and password.');
		await page.fill('#login-user', 'admin');
		await page.fill('#login-password', 'not-the-password');
		await page.click('#login-submit');
		await until(page, () => document.querySelector('#login-error').textContent.includes('wrong'));
		assert.equal(await page.textContent('#login-error'), 'The user name or password is wrong.');
		assert.equal(await page.isVisible('#app-view'), false);
		assert.deepEqual(challenged, []);
		// and the right one works afterwards
		await page.fill('#login-password', ADMIN[1]);
		await page.click('#login-submit');
		await page.waitForSelector('#app-view:not([hidden])');
		await page.click('#logout');
		await page.waitForSelector('#login-view:not([hidden])');
		assert.equal(await page.inputValue('#login-password'), '');
		await done(page);
	});

	test('an error while browsing is shown in words, never swallowed', async () => {
		await provision('Gone', 'SIP', 2);
		const page = await open();
		await login(page, ADMIN);
		await rowCount(page, 'ports-table', 2);
		// Someone else deletes a port; editing it from the stale table reports the 404.
		const r = await api('GET', `/vmrest/ports?query=${q('(DisplayName is Gone-1-002)')}`);
		const id = items(r.json, 'Port')[0].ObjectId;
		assert.equal((await api('DELETE', `/vmrest/ports/${id}`)).status, 204);
		await page.click('button[aria-label="Edit port Gone-1-002"]');
		await page.waitForSelector('#banner:not([hidden])');
		assert.equal(await page.textContent('#banner-text'), `Reading the port failed: no port has ObjectId ${id} (NOT_FOUND)`);
		assert.equal(await page.isVisible('#dlg-port'), false);
		await page.click('#banner-close');
		assert.equal(await page.isVisible('#banner'), false);
		await done(page);
	});

	test('the page reads well at 400 px and at 1280 x 800', async () => {
		const { pg } = await provision('Narrow', 'SIP', 4);
		const r = await api('POST', `/vmrest/portgroups/${pg}/portgroupservers`,
			{ body: { HostOrIPAddress: 'sip-proxy-with-a-rather-long-name.lab.example.net', HostOrIPAddressV6: '2001:db8:1234:5678::21' } });
		assert.equal(r.status, 201, r.text);
		for (const [w, hgt] of [[400, 800], [1280, 800]]) {
			const page = await open({ width: w, height: hgt });
			await login(page, ADMIN);
			await rowCount(page, 'ports-table', 4);
			await rowCount(page, 'srv-table', 1);
			const width = await page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(width <= w, `the page is ${width} px wide in a ${w} px window`);
			for (const sel of ['#ps-new', '#pg-new', '#srv-add', '#codec-add', '#ports-add', '#ports-search', '#logout',
				'#srv-table button[aria-label^="Delete server"]', '#codec-table button[aria-label^="Remove codec"]']) {
				const box = await page.locator(sel).first().boundingBox();
				assert.ok(box && box.x >= 0 && box.x + box.width <= w, `${sel} is inside the window`);
			}
			const file = path.join(shots, `ui-${w}.png`);
			await page.screenshot({ path: file, fullPage: true });
			console.log(`screenshot: ${file}`);
			await done(page);
		}
	});
});
