// cupid's web page: phone systems, port groups (with their servers and codecs) and ports,
// through the public /vmrest API.
// The credentials live in one variable of this closure and nowhere else (no storage, no
// cookies, no URL). Every request says X-Requested-With: cupid-ui, so a 401 never opens the
// browser's own login dialog, and Accept: application/json.
'use strict';
(() => {
	// Where cupid's paths start: '' normally, '/prefix' behind a proxy that adds one.
	const BASE = location.pathname.replace(/\/cupid\/ui(\/.*)?$/, '');
	const TYPES = { 1: 'SCCP', 2: 'SIP', 3: 'PIMG/TIMG' };
	const SECURITY = { 0: 'Non-secure', 1: 'Authenticated', 2: 'Encrypted' };
	const CAPS = [
		['CapAnswer', 'Answer'], ['CapNotification', 'Notify'], ['CapMWI', 'MWI'],
		['CapTrapConnection', 'TRAP'], ['CapDeliverAmis', 'AMIS'],
	];
	// Port group servers (SPEC §5.8.2): each service's name and default ports, and the services
	// each group type accepts, its primary service first.
	const SERVICES = {
		100: { name: 'Cisco Unified CM', port: '2000', tls: '2443' },
		101: { name: 'TFTP', port: '69', tls: '' },
		102: { name: 'SIP server', port: '5060', tls: '5061' },
		104: { name: 'PIMG/TIMG', port: '5060', tls: '5061' },
	};
	const ACCEPTS = { 1: [100, 101], 2: [102, 101], 3: [104] };
	const SKINNY = { 10: 'Cisco Unified CM', 20: 'Cisco Unified CM Express' };

	let auth = null; // "Basic …" while logged in
	let searchTimer = null;
	let canWrite = false;
	const st = {
		phonesystems: [], psId: null,
		groups: [], pgId: null,
		servers: [], templates: [], codecDefs: [],
		panel: { servers: [], codecs: [], seq: 0 }, // the selected group's servers and codecs
		ports: { search: '', rows: 10, page: 1, total: 0, items: [], sort: { col: 'DisplayName', dir: 'asc' }, seq: 0 },
	};

	const $ = (sel) => document.querySelector(sel);

	// h('button', {class: 'x', onclick: f}, 'text', child…): an element; strings become text.
	function h(tag, attrs, ...children) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {})) {
			if (v === undefined || v === null || v === false) continue;
			if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
			else if (k === 'class') e.className = v;
			else e.setAttribute(k, v === true ? '' : String(v));
		}
		for (const c of children) if (c !== undefined && c !== null) e.append(c);
		return e;
	}
	const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
	const num = (s) => parseInt(s, 10) || 0;
	const isTrue = (s) => String(s).toLowerCase() === 'true';

	// ---- the API -------------------------------------------------------------------------

	class ApiError extends Error {
		constructor(status, code, message) {
			super(message);
			this.status = status;
			this.code = code;
		}
	}

	// Base64 of the UTF-8 bytes of s (btoa alone takes only Latin-1).
	function b64(s) {
		let bin = '';
		for (const byte of new TextEncoder().encode(s)) bin += String.fromCharCode(byte);
		return btoa(bin);
	}

	// One request. Resolves to the parsed JSON, the text of a 201 (the new object's URI), or
	// null for a 204; rejects with an ApiError whose message is cupid's errors.message.
	async function api(method, path, body) {
		const headers = { 'Accept': 'application/json', 'X-Requested-With': 'cupid-ui' };
		if (auth) headers.Authorization = auth;
		const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
		if (body !== undefined) {
			headers['Content-Type'] = 'application/json';
			init.body = JSON.stringify(body);
		}
		let res;
		try {
			res = await fetch(BASE + path, init);
		} catch (e) {
			throw new ApiError(0, 'NETWORK', `cupid did not answer (${e.message})`);
		}
		const text = await res.text();
		if (!res.ok) {
			let code = `HTTP ${res.status}`;
			let message = `cupid answered ${res.status} ${res.statusText}`.trim();
			try {
				const errs = JSON.parse(text).errors;
				const e = Array.isArray(errs) ? errs[0] : errs;
				if (e && e.message) {
					message = e.message;
					code = e.code || code;
				}
			} catch (_) { /* not an ErrorDetails body: keep the status line */ }
			if (res.status === 401 && auth) sessionLost();
			throw new ApiError(res.status, code, message);
		}
		if (res.status === 204) return null;
		if ((res.headers.get('Content-Type') || '').startsWith('application/json')) return JSON.parse(text);
		return text;
	}

	// CUPI collections: "@total" is a string, one element is an object, none is no key.
	const items = (doc, key) => (doc && doc[key] !== undefined ? [].concat(doc[key]) : []);
	const total = (doc) => num(doc && doc['@total']);
	const param = (s) => encodeURIComponent(s);
	const idOf = (uri) => String(uri).trim().split('/').pop();

	// ---- messages ------------------------------------------------------------------------

	function showError(what, err) {
		$('#banner-text').textContent = `${what}: ${err.message}${err.code ? ` (${err.code})` : ''}`;
		$('#banner').hidden = false;
	}
	function say(text) {
		$('#status').textContent = text;
	}
	// Runs f; a failure is shown in the banner under the label what, never swallowed.
	async function attempt(what, f) {
		try {
			return await f();
		} catch (e) {
			if (!(e instanceof ApiError && e.status === 401)) showError(what, e);
			return undefined;
		}
	}

	// ---- log in and out ------------------------------------------------------------------

	async function login(ev) {
		ev.preventDefault();
		const user = $('#login-user').value.trim();
		const pw = $('#login-password');
		const out = $('#login-error');
		out.hidden = true;
		if (!user || !pw.value) {
			out.textContent = 'Enter your user name and password.';
			out.hidden = false;
			return;
		}
		auth = `Basic ${b64(`${user}:${pw.value}`)}`;
		const btn = $('#login-submit');
		btn.disabled = true;
		let me;
		try {
			me = await api('GET', '/cupid/whoami');
		} catch (e) {
			auth = null;
			out.textContent = e.status === 401
				? 'The user name or password is wrong.'
				: `Logging in failed: ${e.message} (${e.code})`;
			out.hidden = false;
			pw.focus();
			return;
		} finally {
			btn.disabled = false;
		}
		pw.value = '';
		canWrite = me.role === 'administrator';
		$('#who-name').textContent = me.user;
		$('#who-role').textContent = canWrite ? 'administrator' : 'read-only';
		$('#who').hidden = false;
		$('#login-view').hidden = true;
		$('#app-view').hidden = false;
		$('#readonly-note').hidden = canWrite;
		$('#banner').hidden = true;
		say('');
		updateControls();
		await reloadAll();
		startJournal();
		// The focus moves to the first card unless the user has already moved it.
		const at = document.activeElement;
		if (!at || at === document.body || $('#login-view').contains(at)) {
			$('#ps-title').setAttribute('tabindex', '-1');
			$('#ps-title').focus();
		}
	}

	function resetState() {
		st.phonesystems = []; st.psId = null; st.groups = []; st.pgId = null;
		Object.assign(st.panel, { servers: [], codecs: [] });
		st.panel.seq++;
		Object.assign(st.ports, { search: '', page: 1, total: 0, items: [] });
		st.ports.seq++;
		$('#ports-search').value = '';
		for (const d of document.querySelectorAll('dialog[open]')) d.close();
	}

	function logout(message) {
		stopJournal();
		$('#requests').hidden = true;
		auth = null;
		canWrite = false;
		resetState();
		renderAll();
		$('#who').hidden = true;
		$('#app-view').hidden = true;
		$('#login-view').hidden = false;
		$('#login-password').value = '';
		const out = $('#login-error');
		out.textContent = message || '';
		out.hidden = !message;
		$('#login-user').focus();
	}

	function sessionLost() {
		logout('cupid no longer accepts your credentials: please log in again.');
	}

	// ---- loading -------------------------------------------------------------------------

	async function reloadAll() {
		await Promise.all([
			attempt('Reading the licence figures failed', loadLicence),
			attempt('Reading the VMS servers failed', async () => {
				st.servers = items(await api('GET', '/vmrest/vmsservers'), 'VmsServer');
			}),
			attempt('Reading the port group templates failed', async () => {
				st.templates = items(await api('GET', '/vmrest/portgrouptemplates'), 'PortGroupTemplate');
			}),
			attempt('Reading the codec definitions failed', async () => {
				st.codecDefs = items(await api('GET', '/vmrest/rtpcodecdefs'), 'RtpCodecDef');
			}),
		]);
		if (!auth) return;
		await attempt('Reading the phone systems failed', loadPhoneSystems);
		await attempt('Reading the port groups failed', loadGroups);
		await Promise.all([readPanel(), attempt('Reading the ports failed', loadPorts)]);
	}

	function setMeter(id, used, max, unit) {
		const bar = $(`#${id}`);
		const pct = max > 0 ? Math.min(100, (used / max) * 100) : 0;
		bar.querySelector('.fill').style.width = `${pct}%`;
		bar.setAttribute('aria-valuemax', String(max));
		bar.setAttribute('aria-valuenow', String(Math.min(used, max)));
		const text = `${used} of ${max} ${unit} used`;
		bar.setAttribute('aria-valuetext', text);
		bar.classList.toggle('high', pct >= 80 && pct < 100);
		bar.classList.toggle('full', pct >= 100);
		$(`#${id}-text`).textContent = text;
	}

	async function loadLicence() {
		const hl = await api('GET', '/cupid/health');
		setMeter('m-ports', hl.portsUsed, hl.portsLicensed, 'ports');
		setMeter('m-groups', hl.portGroups, hl.maxPortGroups, 'groups');
	}

	async function loadPhoneSystems() {
		st.phonesystems = items(await api('GET', '/vmrest/phonesystems'), 'PhoneSystem');
		if (st.psId && !st.phonesystems.some((p) => p.ObjectId === st.psId)) {
			st.psId = null;
			st.pgId = null;
			st.groups = [];
		}
		if (!st.psId && st.phonesystems.length) st.psId = st.phonesystems[0].ObjectId;
		renderPhoneSystems();
	}

	async function loadGroups() {
		if (!st.psId) {
			st.groups = [];
			st.pgId = null;
		} else {
			const q = param(`(MediaSwitchObjectId is ${st.psId})`);
			st.groups = items(await api('GET', `/vmrest/portgroups?query=${q}`), 'PortGroup');
			if (st.pgId && !st.groups.some((g) => g.ObjectId === st.pgId)) st.pgId = null;
			if (!st.pgId && st.groups.length) st.pgId = st.groups[0].ObjectId;
		}
		renderGroups();
	}

	async function loadPorts() {
		const p = st.ports;
		const seq = ++p.seq;
		let query = null;
		if (p.search) query = `(DisplayName startswith ${p.search})`;
		else if (st.pgId) query = `(MediaPortGroupObjectId is ${st.pgId})`;
		if (!query) {
			p.items = [];
			p.total = 0;
			renderPorts();
			return;
		}
		const url = `/vmrest/ports?query=${param(query)}&sort=${param(`(${p.sort.col} ${p.sort.dir})`)}` +
			`&rowsPerPage=${p.rows}&pageNumber=${p.page}`;
		const doc = await api('GET', url);
		if (seq !== p.seq) return; // a newer request is on its way
		p.total = total(doc);
		p.items = items(doc, 'Port');
		const pages = Math.max(1, Math.ceil(p.total / p.rows));
		if (p.page > pages) { // the last page went away: show the new last one
			p.page = pages;
			await loadPorts();
			return;
		}
		renderPorts();
	}

	// The selected group's servers and codecs, each list in cupid's default order.
	async function loadPanel() {
		const pn = st.panel;
		const seq = ++pn.seq;
		let servers = [];
		let codecs = [];
		if (st.pgId) {
			const base = `/vmrest/portgroups/${st.pgId}`;
			const [s, c] = await Promise.all([api('GET', `${base}/portgroupservers`), api('GET', `${base}/portgroupcodecs`)]);
			servers = items(s, 'PortGroupServer');
			codecs = items(c, 'PortGroupCodec');
		}
		if (seq !== pn.seq) return; // a newer request is on its way
		Object.assign(pn, { servers, codecs });
		renderPanel();
	}
	const readPanel = () => attempt('Reading the servers and codecs failed', loadPanel);

	// After a change: the licence, the lists and their counts.
	async function refresh() {
		await attempt('Reading the licence figures failed', loadLicence);
		await attempt('Reading the phone systems failed', loadPhoneSystems);
		await attempt('Reading the port groups failed', loadGroups);
		await Promise.all([readPanel(), attempt('Reading the ports failed', loadPorts)]);
	}

	// ---- rendering -----------------------------------------------------------------------

	function renderAll() {
		renderPhoneSystems();
		renderGroups();
		renderPanel();
		renderPorts();
	}

	const currentGroup = () => st.groups.find((g) => g.ObjectId === st.pgId);
	// The codec definitions the selected group does not advertise yet.
	const freeCodecDefs = () => st.codecDefs.filter((d) => !st.panel.codecs.some((c) => c.RtpCodecDefObjectId === d.ObjectId));
	const serviceName = (v) => (SERVICES[v] ? SERVICES[v].name : `Service ${v}`);
	const serverLabel = (s) => `server ${s.HostOrIPAddress || s.HostOrIPAddressV6} (${serviceName(s.MediaRemoteServiceEnum)})`;

	function updateControls() {
		const group = currentGroup();
		$('#ps-new').disabled = !canWrite;
		$('#pg-new').disabled = !canWrite || !st.psId;
		$('#ports-add').disabled = !canWrite || !group;
		$('#srv-add').disabled = !canWrite || !group;
		$('#codec-add').disabled = !canWrite || !group || freeCodecDefs().length === 0;
		for (const b of document.querySelectorAll('tbody [data-write]')) b.disabled = !canWrite;
	}

	function actionButton(label, name, key, onclick, cls) {
		return h('button', {
			type: 'button', class: `small${cls ? ` ${cls}` : ''}`, 'data-write': true,
			'data-key': key, 'aria-label': `${label} ${name}`, disabled: !canWrite, onclick,
		}, label);
	}

	function renderPhoneSystems() {
		const tb = $('#ps-table tbody');
		tb.replaceChildren();
		for (const ps of st.phonesystems) {
			const id = ps.ObjectId;
			const sel = id === st.psId;
			tb.append(h('tr', { class: sel ? 'selected' : '' },
				h('td', {}, h('button', {
					type: 'button', class: 'link', 'aria-pressed': String(sel),
					'data-key': `ps-${id}`, onclick: () => selectPhoneSystem(id),
				}, ps.DisplayName)),
				h('td', { class: 'num' }, ps.PortCount),
				h('td', { class: 'actions' },
					actionButton('Rename', `phone system ${ps.DisplayName}`, `ps-ren-${id}`, () => renamePhoneSystem(ps)),
					actionButton('Delete', `phone system ${ps.DisplayName}`, `ps-del-${id}`, () => deletePhoneSystem(ps), 'danger-text'))));
		}
		$('#ps-empty').hidden = st.phonesystems.length > 0;
		$('#ps-table').hidden = st.phonesystems.length === 0;
		updateControls();
	}

	function renderGroups() {
		const tb = $('#pg-table tbody');
		tb.replaceChildren();
		const ps = st.phonesystems.find((p) => p.ObjectId === st.psId);
		$('#pg-title').textContent = ps ? `Port groups of ${ps.DisplayName}` : 'Port groups';
		for (const g of st.groups) {
			const id = g.ObjectId;
			const sel = id === st.pgId;
			tb.append(h('tr', { class: sel ? 'selected' : '' },
				h('td', {}, h('button', {
					type: 'button', class: 'link', 'aria-pressed': String(sel),
					'data-key': `pg-${id}`, onclick: () => selectGroup(id),
				}, g.DisplayName)),
				h('td', {}, TYPES[g.TelephonyIntegrationMethodEnum] || g.TelephonyIntegrationMethodEnum),
				h('td', { class: 'num' }, g.PortCount),
				h('td', { class: 'actions' },
					actionButton('Rename', `port group ${g.DisplayName}`, `pg-ren-${id}`, () => renameGroup(g)),
					actionButton('Delete', `port group ${g.DisplayName}`, `pg-del-${id}`, () => deleteGroup(g), 'danger-text'))));
		}
		const empty = $('#pg-empty');
		empty.textContent = ps ? `${ps.DisplayName} has no port groups yet.` : 'Select a phone system to see its port groups.';
		empty.hidden = st.groups.length > 0;
		$('#pg-table').hidden = st.groups.length === 0;
		updateControls();
	}

	function renderPanel() {
		const g = currentGroup();
		const { servers, codecs } = st.panel;
		$('#integ-title').textContent = g ? `Servers and codecs of ${g.DisplayName}` : 'Servers and codecs';
		$('#integ-empty').hidden = Boolean(g);
		$('#integ-body').hidden = !g;
		const type = g ? num(g.TelephonyIntegrationMethodEnum) : 0;
		$('#integ-sub').textContent = g
			? `${TYPES[type] || `Type ${type}`} port group; its servers can be: ${(ACCEPTS[type] || []).map(serviceName).join(', ')}` : '';

		const sccp = type === 1;
		const cols = [['Service'], ['Address', 'addr'], ['IPv6 address', 'addr'], ['Port', 'num'], ['TLS port', 'num'], ['Order', 'num']];
		if (sccp) cols.push(['Server type']);
		$('#srv-table thead tr').replaceChildren(...cols.map(([label, cls]) => h('th', { scope: 'col', class: cls }, label)),
			h('th', { scope: 'col' }, h('span', { class: 'sr' }, 'Actions')));
		$('#srv-table tbody').replaceChildren(...servers.map((s) => {
			const values = [serviceName(s.MediaRemoteServiceEnum), s.HostOrIPAddress || '—', s.HostOrIPAddressV6 || '—',
				s.Port || '—', s.TlsPort || '—', s.Precedence];
			if (sccp) values.push(SKINNY[s.SkinnyStateMachineEnum] || s.SkinnyStateMachineEnum);
			return h('tr', { 'data-id': s.ObjectId },
				...values.map((v, i) => h('td', { 'data-label': cols[i][0], class: cols[i][1] }, v)),
				h('td', { class: 'actions' },
					actionButton('Edit', serverLabel(s), `srv-ed-${s.ObjectId}`, () => serverDialog(s)),
					actionButton('Delete', serverLabel(s), `srv-del-${s.ObjectId}`, () => deleteServer(s), 'danger-text')));
		}));
		$('#srv-table').hidden = servers.length === 0;
		$('#srv-empty').textContent = g ? `${g.DisplayName} has no servers yet.` : '';
		$('#srv-empty').hidden = servers.length > 0;

		$('#codec-table tbody').replaceChildren(...codecs.map((c) => h('tr', { 'data-id': c.ObjectId },
			h('td', { 'data-label': 'Codec' }, c.RtpCodecDefDisplayName),
			h('td', { 'data-label': 'Packet size', class: 'num' }, `${c.PreferredPacketSizeMs} ms`),
			h('td', { 'data-label': 'Preference', class: 'num' }, c.Preference),
			h('td', { class: 'actions' },
				actionButton('Edit', `codec ${c.RtpCodecDefDisplayName}`, `codec-ed-${c.ObjectId}`, () => codecDialog(c)),
				actionButton('Remove', `codec ${c.RtpCodecDefDisplayName}`, `codec-del-${c.ObjectId}`, () => removeCodec(c), 'danger-text')))));
		$('#codec-table').hidden = codecs.length === 0;
		$('#codec-empty').textContent = g ? `${g.DisplayName} advertises no codec yet.` : '';
		$('#codec-empty').hidden = codecs.length > 0;
		updateControls();
	}

	function portColumns() {
		const cols = [
			{ key: 'DisplayName', label: 'Name' },
			{ key: 'PortNumInGroup', label: 'No.', num: true },
		];
		if (st.ports.search) cols.push({ key: 'MediaPortGroupDisplayName', label: 'Port group' });
		cols.push(
			{ key: 'HuntOrder', label: 'Hunt order', num: true },
			{ key: 'CapEnabled', label: 'In service' },
			{ key: null, label: 'Capabilities' },
			{ key: 'SkinnySecurityModeEnum', label: 'Security' },
			{ key: 'VmsServerName', label: 'VMS server' },
		);
		return cols;
	}

	function renderPorts() {
		const p = st.ports;
		const cols = portColumns();
		const head = $('#ports-table thead tr');
		head.replaceChildren();
		for (const c of cols) {
			if (!c.key) {
				head.append(h('th', { scope: 'col' }, c.label));
				continue;
			}
			const active = p.sort.col === c.key;
			const dir = active ? p.sort.dir : null;
			head.append(h('th', {
				scope: 'col', class: c.num ? 'num' : '',
				'aria-sort': dir ? (dir === 'asc' ? 'ascending' : 'descending') : 'none',
			}, h('button', {
				type: 'button', class: 'sort', 'data-sort': c.key, onclick: () => sortPorts(c.key),
			}, c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''))));
		}
		head.append(h('th', { scope: 'col' }, h('span', { class: 'sr' }, 'Actions')));

		const tb = $('#ports-table tbody');
		tb.replaceChildren();
		for (const port of p.items) {
			const caps = CAPS.filter(([k]) => isTrue(port[k])).map(([, label]) => label).join(', ');
			const on = isTrue(port.CapEnabled);
			const values = {
				DisplayName: port.DisplayName,
				PortNumInGroup: port.PortNumInGroup,
				MediaPortGroupDisplayName: port.MediaPortGroupDisplayName || '',
				HuntOrder: port.HuntOrder,
				CapEnabled: on ? 'Yes' : 'No',
				null: caps || 'none',
				SkinnySecurityModeEnum: SECURITY[port.SkinnySecurityModeEnum] || port.SkinnySecurityModeEnum || '',
				VmsServerName: port.VmsServerName || '—',
			};
			const cells = cols.map((c) => h('td', {
				'data-label': c.label,
				class: c.num ? 'num' : c.key === 'CapEnabled' ? (on ? 'yes' : 'no') : c.key ? '' : 'caps',
			}, values[c.key]));
			cells.push(
				h('td', { class: 'actions' },
					actionButton('Edit', `port ${port.DisplayName}`, `port-ed-${port.ObjectId}`, () => editPort(port.ObjectId)),
					actionButton('Delete', `port ${port.DisplayName}`, `port-del-${port.ObjectId}`, () => deletePort(port), 'danger-text')),
			);
			tb.append(h('tr', { 'data-id': port.ObjectId }, ...cells));
		}

		const group = st.groups.find((g) => g.ObjectId === st.pgId);
		let title = 'Ports';
		let empty = 'Select a port group to see its ports, or find ports by name.';
		if (p.search) {
			title = `Ports whose name starts with “${p.search}”`;
			empty = 'No port name starts with that.';
		} else if (group) {
			title = `Ports of ${group.DisplayName}`;
			empty = `${group.DisplayName} has no ports yet.`;
		}
		$('#ports-title').textContent = title;
		$('#ports-table').hidden = p.items.length === 0;
		const emptyEl = $('#ports-empty');
		emptyEl.textContent = empty;
		emptyEl.hidden = p.items.length > 0;
		const pages = Math.max(1, Math.ceil(p.total / p.rows));
		$('#ports-page').textContent = p.total || p.search || group
			? `Page ${p.page} of ${pages} · ${plural(p.total, 'port', 'ports')}` : '';
		$('#ports-prev').disabled = p.page <= 1;
		$('#ports-next').disabled = p.page >= pages;
		updateControls();
	}

	// ---- selection, paging, search, sort -------------------------------------------------

	// Picking a phone system or a group shows its ports: a search in progress ends.
	function endSearch() {
		clearTimeout(searchTimer);
		st.ports.search = '';
		$('#ports-search').value = '';
		st.ports.page = 1;
	}

	async function selectPhoneSystem(id) {
		st.psId = id;
		st.pgId = null;
		endSearch();
		renderPhoneSystems();
		await attempt('Reading the port groups failed', loadGroups);
		await Promise.all([readPanel(), attempt('Reading the ports failed', loadPorts)]);
	}

	async function selectGroup(id) {
		st.pgId = id;
		endSearch();
		Object.assign(st.panel, { servers: [], codecs: [] }); // not the last group's while loading
		renderGroups();
		renderPanel();
		await Promise.all([readPanel(), attempt('Reading the ports failed', loadPorts)]);
	}

	async function sortPorts(col) {
		const s = st.ports.sort;
		s.dir = s.col === col && s.dir === 'asc' ? 'desc' : 'asc';
		s.col = col;
		st.ports.page = 1;
		await attempt('Reading the ports failed', loadPorts);
		const b = document.querySelector(`th button[data-sort="${col}"]`);
		if (b) b.focus();
	}

	async function searchNow() {
		clearTimeout(searchTimer);
		const text = $('#ports-search').value.trim();
		if (text === st.ports.search) return;
		st.ports.search = text;
		st.ports.page = 1;
		await attempt('Searching the ports failed', loadPorts);
	}

	async function turnPage(delta) {
		st.ports.page = Math.max(1, st.ports.page + delta);
		await attempt('Reading the ports failed', loadPorts);
		const btn = $(delta > 0 ? '#ports-next' : '#ports-prev');
		if (btn.disabled) $(delta > 0 ? '#ports-prev' : '#ports-next').focus();
	}

	// ---- dialogs -------------------------------------------------------------------------

	// Opens dlg; submit runs save(), which throws to keep the dialog open with the server's
	// message. Focus then goes back to the control that opened it (found again by its
	// data-key when the lists were redrawn), or to fallback.
	function runDialog(dlg, save, fallback) {
		const opener = document.activeElement;
		const key = opener && opener.getAttribute && opener.getAttribute('data-key');
		const form = dlg.querySelector('form');
		const err = dlg.querySelector('.error');
		const submit = form.querySelector('[type=submit]');
		err.hidden = true;
		err.textContent = '';
		form.onsubmit = async (ev) => {
			ev.preventDefault();
			if (submit.disabled) return;
			submit.disabled = true;
			err.hidden = true;
			try {
				await save();
				dlg.close();
			} catch (e) {
				if (!auth) return;
				err.textContent = `${e.message}${e.code ? ` (${e.code})` : ''}`;
				err.hidden = false;
				err.scrollIntoView({ block: 'nearest' });
			} finally {
				submit.disabled = false;
			}
		};
		dlg.onclose = () => {
			if (!auth) return;
			const again = key && document.querySelector(`[data-key="${key}"]`);
			const target = (again && !again.disabled && again) ||
				(opener && opener.isConnected && !opener.disabled && opener) || (fallback && $(fallback));
			if (target) target.focus();
		};
		dlg.showModal();
	}

	function nameDialog(title, action, value, save, fallback) {
		const dlg = $('#dlg-name');
		$('#dlg-name-title').textContent = title;
		dlg.querySelector('[type=submit]').textContent = action;
		const input = $('#dlg-name-input');
		input.value = value;
		runDialog(dlg, () => save(input.value.trim()), fallback);
		input.select();
	}

	function confirmDialog(title, text, action, run, fallback) {
		$('#dlg-confirm-title').textContent = title;
		$('#dlg-confirm-text').textContent = text;
		const dlg = $('#dlg-confirm');
		dlg.querySelector('[type=submit]').textContent = action;
		runDialog(dlg, run, fallback);
		dlg.querySelector('[data-close]').focus(); // the safe choice first
	}

	function newPhoneSystem() {
		nameDialog('New phone system', 'Create phone system', '', async (name) => {
			const uri = await api('POST', '/vmrest/phonesystems', { DisplayName: name });
			st.psId = idOf(uri);
			st.pgId = null;
			say(`Created phone system ${name}.`);
			await refresh();
		}, '#ps-new');
	}

	function renamePhoneSystem(ps) {
		nameDialog(`Rename phone system ${ps.DisplayName}`, 'Rename', ps.DisplayName, async (name) => {
			await api('PUT', `/vmrest/phonesystems/${ps.ObjectId}`, { DisplayName: name });
			say(`Renamed phone system ${ps.DisplayName} to ${name}.`);
			await refresh();
		}, '#ps-new');
	}

	async function deletePhoneSystem(ps) {
		// Fresh counts: the cascade removes every group of the phone system and their ports.
		const counts = await attempt(`Counting what deleting ${ps.DisplayName} removes failed`, async () => {
			const q = param(`(MediaSwitchObjectId is ${ps.ObjectId})`);
			const [groups, fresh] = await Promise.all([
				api('GET', `/vmrest/portgroups?query=${q}&pageNumber=0`),
				api('GET', `/vmrest/phonesystems/${ps.ObjectId}`),
			]);
			return { groups: total(groups), ports: num(fresh.PortCount) };
		});
		if (!counts) return;
		confirmDialog(`Delete phone system ${ps.DisplayName}?`,
			`This also deletes its ${plural(counts.groups, 'port group', 'port groups')} and ` +
			`${plural(counts.ports, 'port', 'ports')}. It cannot be undone.`,
			'Delete phone system', async () => {
				await api('DELETE', `/vmrest/phonesystems/${ps.ObjectId}`);
				if (st.psId === ps.ObjectId) {
					st.psId = null;
					st.pgId = null;
				}
				say(`Deleted phone system ${ps.DisplayName}, ${plural(counts.groups, 'port group', 'port groups')} and ${plural(counts.ports, 'port', 'ports')}.`);
				await refresh();
			}, '#ps-new');
	}

	function newGroup() {
		const ps = st.phonesystems.find((p) => p.ObjectId === st.psId);
		if (!ps) return;
		const sel = $('#pg-template');
		sel.replaceChildren(...st.templates.map((t) => h('option', { value: t.ObjectId }, t.TemplateDescriptionDefault)));
		$('#dlg-pg-sub').textContent = `In phone system ${ps.DisplayName}`;
		$('#pg-name').value = '';
		$('#pg-host').value = '';
		// The address is that of the type's primary server (SPEC §5.8.4).
		sel.onchange = () => {
			const t = st.templates.find((x) => x.ObjectId === sel.value);
			const primary = t && ACCEPTS[t.CopyTelephonyIntegrationMethodEnum];
			$('#pg-host-label').textContent = primary ? `${serviceName(primary[0])} address` : 'Primary server address';
		};
		sel.onchange();
		runDialog($('#dlg-pg'), async () => {
			const body = { MediaSwitchObjectId: ps.ObjectId, MediaPortGroupTemplateObjectId: sel.value };
			const name = $('#pg-name').value.trim();
			const host = $('#pg-host').value.trim();
			if (name) body.DisplayName = name;
			if (host) body.HostOrIPAddress = host;
			const uri = await api('POST', '/vmrest/portgroups', body);
			st.pgId = idOf(uri);
			st.ports.page = 1;
			say(`Created a ${sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : ''} port group in ${ps.DisplayName}.`);
			await refresh();
		}, '#pg-new');
		sel.focus();
	}

	function renameGroup(g) {
		nameDialog(`Rename port group ${g.DisplayName}`, 'Rename', g.DisplayName, async (name) => {
			await api('PUT', `/vmrest/portgroups/${g.ObjectId}`, { DisplayName: name });
			say(`Renamed port group ${g.DisplayName} to ${name}.`);
			await refresh();
		}, '#pg-new');
	}

	async function deleteGroup(g) {
		const fresh = await attempt(`Reading port group ${g.DisplayName} failed`,
			() => api('GET', `/vmrest/portgroups/${g.ObjectId}`));
		if (!fresh) return;
		const n = num(fresh.PortCount);
		confirmDialog(`Delete port group ${g.DisplayName}?`,
			`This also deletes its ${plural(n, 'port', 'ports')}. It cannot be undone.`,
			'Delete port group', async () => {
				await api('DELETE', `/vmrest/portgroups/${g.ObjectId}`);
				if (st.pgId === g.ObjectId) st.pgId = null;
				say(`Deleted port group ${g.DisplayName} and ${plural(n, 'port', 'ports')}.`);
				await refresh();
			}, '#pg-new');
	}

	function serverOptions(sel, selected) {
		sel.replaceChildren(...st.servers.map((s) => h('option', { value: s.ObjectId, selected: s.ObjectId === selected }, s.ServerName)));
	}

	async function addPorts() {
		const g = st.groups.find((x) => x.ObjectId === st.pgId);
		if (!g) return;
		await attempt('Reading the VMS servers failed', async () => {
			st.servers = items(await api('GET', '/vmrest/vmsservers'), 'VmsServer');
		});
		const type = num(g.TelephonyIntegrationMethodEnum);
		const needsServer = type === 1 || type === 2;
		$('#dlg-add-title').textContent = `Add ports to ${g.DisplayName}`;
		$('#dlg-add-sub').textContent = `${TYPES[type] || 'Type ' + type} port group with ${plural(num(g.PortCount), 'port', 'ports')}`;
		const count = $('#add-count');
		count.value = '2';
		const sel = $('#add-server');
		serverOptions(sel, st.servers[0] && st.servers[0].ObjectId);
		sel.disabled = !needsServer;
		$('#add-server-field').hidden = !needsServer;
		$('#add-no-server').hidden = needsServer;
		runDialog($('#dlg-add'), async () => {
			const body = { MediaPortGroupObjectId: g.ObjectId, NumberOfPorts: count.value.trim() };
			if (needsServer) body.VmsServerObjectId = sel.value;
			await api('POST', '/vmrest/ports', body);
			say(`Added ${plural(num(count.value), 'port', 'ports')} to ${g.DisplayName}.`);
			await refresh();
		}, '#ports-add');
		count.focus();
		count.select();
	}

	async function editPort(id) {
		const port = await attempt('Reading the port failed', () => api('GET', `/vmrest/ports/${id}`));
		if (!port) return;
		const type = num(port.TelephonyIntegrationMethodEnum);
		const hasServer = type === 1 || type === 2;
		$('#dlg-port-title').textContent = `Edit port ${port.DisplayName}`;
		$('#dlg-port-sub').textContent = `${TYPES[type] || 'Type ' + type} port ${port.PortNumInGroup} of ${port.MediaPortGroupDisplayName}`;
		$('#port-name').value = port.DisplayName || '';
		$('#port-hunt').value = port.HuntOrder || '0';
		for (const [k] of CAPS.concat([['CapEnabled']])) $(`#cap-${k}`).checked = isTrue(port[k]);
		$('#port-security').value = port.SkinnySecurityModeEnum || '0';
		$('#port-media').checked = isTrue(port.SkinnyDoMediaEncryption);
		const sel = $('#port-server');
		serverOptions(sel, port.VmsServerObjectId);
		sel.disabled = !hasServer;
		$('#port-server-field').hidden = !hasServer;
		runDialog($('#dlg-port'), async () => {
			const body = {
				DisplayName: $('#port-name').value.trim(),
				HuntOrder: $('#port-hunt').value.trim(),
				SkinnySecurityModeEnum: $('#port-security').value,
				SkinnyDoMediaEncryption: String($('#port-media').checked),
			};
			for (const [k] of CAPS.concat([['CapEnabled']])) body[k] = String($(`#cap-${k}`).checked);
			if (hasServer && sel.value) body.VmsServerObjectId = sel.value;
			await api('PUT', `/vmrest/ports/${id}`, body);
			say(`Saved port ${body.DisplayName}.`);
			await attempt('Reading the ports failed', loadPorts);
		}, '#ports-add');
		$('#port-name').focus();
	}

	function deletePort(port) {
		confirmDialog(`Delete port ${port.DisplayName}?`,
			'The other ports of its group keep their numbers. It cannot be undone.',
			'Delete port', async () => {
				await api('DELETE', `/vmrest/ports/${port.ObjectId}`);
				say(`Deleted port ${port.DisplayName}.`);
				await refresh();
			}, '#ports-search');
	}

	// The dialog to add a server to the selected group (srv absent) or to change srv.
	function serverDialog(srv) {
		const g = currentGroup();
		if (!g) return;
		const type = num(g.TelephonyIntegrationMethodEnum);
		const sel = $('#srv-service');
		const services = srv ? [num(srv.MediaRemoteServiceEnum)] : ACCEPTS[type] || [];
		sel.replaceChildren(...services.map((v) => h('option', { value: v }, serviceName(v))));
		sel.disabled = Boolean(srv); // create-only
		$('#srv-service-hint').hidden = !srv;
		const fill = () => {
			const d = SERVICES[sel.value] || {};
			$('#srv-port').value = d.port || '';
			$('#srv-tls').value = d.tls || '';
		};
		sel.onchange = fill;
		const field = { HostOrIPAddress: '#srv-host', HostOrIPAddressV6: '#srv-host6', Port: '#srv-port', TlsPort: '#srv-tls', Precedence: '#srv-order' };
		for (const [k, id] of Object.entries(field)) $(id).value = (srv && srv[k]) || '';
		if (!srv) fill();
		$('#srv-skinny').value = (srv && srv.SkinnyStateMachineEnum) || '10';
		$('#srv-skinny-field').hidden = type !== 1;
		$('#dlg-srv-title').textContent = srv ? `Edit ${serverLabel(srv)}` : `Add a server to ${g.DisplayName}`;
		$('#dlg-srv-sub').textContent = `${TYPES[type] || `Type ${type}`} port group ${g.DisplayName}`;
		$('#dlg-srv [type=submit]').textContent = srv ? 'Save server' : 'Add server';
		runDialog($('#dlg-srv'), async () => {
			const body = {};
			for (const [k, id] of Object.entries(field)) {
				const v = $(id).value.trim();
				// An empty address clears it on a change; an empty number leaves cupid's value.
				if (v || (srv && k.startsWith('Host'))) body[k] = v;
			}
			if (type === 1) body.SkinnyStateMachineEnum = $('#srv-skinny').value;
			const path = `/vmrest/portgroups/${g.ObjectId}/portgroupservers`;
			if (srv) {
				await api('PUT', `${path}/${srv.ObjectId}`, body);
			} else {
				body.MediaRemoteServiceEnum = sel.value;
				await api('POST', path, body);
			}
			const label = serverLabel({ ...body, MediaRemoteServiceEnum: sel.value });
			say(srv ? `Saved ${label}.` : `Added ${label} to ${g.DisplayName}.`);
			await readPanel();
		}, '#srv-add');
		(srv ? $('#srv-host') : sel).focus();
	}

	async function deleteServer(srv) {
		const g = currentGroup();
		if (!g) return;
		const path = `/vmrest/portgroups/${g.ObjectId}/portgroupservers`;
		const n = await attempt(`Counting the servers of ${g.DisplayName} failed`,
			async () => total(await api('GET', `${path}?pageNumber=0`)));
		if (n === undefined) return;
		confirmDialog(`Delete ${serverLabel(srv)}?`, n <= 1
			? `It is the last server of ${g.DisplayName}: the group's ports will have no server to talk to until you add one. It cannot be undone.`
			: `${g.DisplayName} keeps its ${plural(n - 1, 'other server', 'other servers')}. It cannot be undone.`,
		'Delete server', async () => {
			await api('DELETE', `${path}/${srv.ObjectId}`);
			say(`Deleted ${serverLabel(srv)} from ${g.DisplayName}.`);
			await readPanel();
		}, '#srv-add');
	}

	// The dialog to add a codec to the selected group (c absent) or to change c.
	function codecDialog(c) {
		const g = currentGroup();
		if (!g) return;
		const sel = $('#codec-def');
		const defs = c ? [{ ObjectId: c.RtpCodecDefObjectId, DisplayName: c.RtpCodecDefDisplayName }] : freeCodecDefs();
		sel.replaceChildren(...defs.map((d) => h('option', { value: d.ObjectId }, d.DisplayName)));
		sel.disabled = Boolean(c); // create-only
		$('#codec-size').value = (c && c.PreferredPacketSizeMs) || '20';
		$('#codec-pref').value = (c && c.Preference) || '';
		$('#dlg-codec-title').textContent = c ? `Edit codec ${c.RtpCodecDefDisplayName}` : `Add a codec to ${g.DisplayName}`;
		$('#dlg-codec-sub').textContent = `${TYPES[g.TelephonyIntegrationMethodEnum] || ''} port group ${g.DisplayName}`;
		$('#dlg-codec [type=submit]').textContent = c ? 'Save codec' : 'Add codec';
		runDialog($('#dlg-codec'), async () => {
			const body = { PreferredPacketSizeMs: $('#codec-size').value };
			const pref = $('#codec-pref').value.trim();
			if (pref) body.Preference = pref;
			const path = `/vmrest/portgroups/${g.ObjectId}/portgroupcodecs`;
			const name = sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : '';
			if (c) {
				await api('PUT', `${path}/${c.ObjectId}`, body);
			} else {
				body.RtpCodecDefObjectId = sel.value;
				await api('POST', path, body);
			}
			say(c ? `Saved codec ${name}.` : `Added codec ${name} to ${g.DisplayName}.`);
			await readPanel();
		}, '#codec-add');
		(c ? $('#codec-size') : sel).focus();
	}

	async function removeCodec(c) {
		const g = currentGroup();
		if (!g) return;
		const gone = await attempt(`Removing codec ${c.RtpCodecDefDisplayName} failed`,
			() => api('DELETE', `/vmrest/portgroups/${g.ObjectId}/portgroupcodecs/${c.ObjectId}`).then(() => true));
		if (!gone) return;
		say(`Removed codec ${c.RtpCodecDefDisplayName} from ${g.DisplayName}.`);
		await readPanel();
		$('#codec-add').focus();
	}

	// ---- the request journal (administrators) ---------------------------------------------

	let journalTimer = null;

	function renderJournal(list) {
		const rows = list.slice().reverse().map((e) => h('tr', {},
			h('td', {}, String(e.time).slice(11, 23)),
			h('td', { class: 'addr' }, `${e.method} ${e.path}${e.query ? `?${e.query}` : ''}`),
			h('td', { class: 'num' }, String(e.status)),
			h('td', { class: 'num' }, Number(e.durationMs).toFixed(1)),
			h('td', {}, e.user || '–')));
		$('#req-table tbody').replaceChildren(...rows);
		$('#req-empty').textContent = 'No requests recorded yet.';
		$('#req-empty').hidden = rows.length > 0;
	}

	async function pollJournal() {
		if (!auth || !canWrite) return;
		try {
			const r = await api('GET', '/cupid/requests?limit=20');
			renderJournal((r && r.requests) || []);
		} catch (e) {
			if (e instanceof ApiError && e.status === 401) return;
			$('#req-empty').textContent = `The request journal could not be read: ${e.message}`;
			$('#req-empty').hidden = false;
		}
	}

	function stopJournal() {
		clearInterval(journalTimer);
		journalTimer = null;
	}

	// Administrators see the journal, refreshed while the page is visible.
	function startJournal() {
		stopJournal();
		$('#requests').hidden = !canWrite;
		if (!canWrite) return;
		pollJournal();
		journalTimer = setInterval(() => { if (!document.hidden) pollJournal(); }, 2000);
	}

	// ---- wiring --------------------------------------------------------------------------

	function init() {
		$('#login-form').addEventListener('submit', login);
		$('#logout').addEventListener('click', () => logout(''));
		$('#reload').addEventListener('click', async () => {
			$('#banner').hidden = true;
			await reloadAll();
			say('Reloaded.');
		});
		$('#banner-close').addEventListener('click', () => {
			$('#banner').hidden = true;
			$('#status').focus();
		});
		$('#status').setAttribute('tabindex', '-1');
		$('#ps-new').addEventListener('click', newPhoneSystem);
		$('#pg-new').addEventListener('click', newGroup);
		$('#ports-add').addEventListener('click', addPorts);
		$('#srv-add').addEventListener('click', () => serverDialog());
		$('#codec-add').addEventListener('click', () => codecDialog());
		$('#req-clear').addEventListener('click', () => attempt('Clearing the request journal failed',
			async () => {
				await api('DELETE', '/cupid/requests');
				say('Cleared the request journal.');
				await pollJournal();
			}));
		$('#ports-prev').addEventListener('click', () => turnPage(-1));
		$('#ports-next').addEventListener('click', () => turnPage(1));
		$('#ports-rows').addEventListener('change', async (ev) => {
			st.ports.rows = num(ev.target.value) || 10;
			st.ports.page = 1;
			await attempt('Reading the ports failed', loadPorts);
		});
		$('#ports-search-form').addEventListener('submit', (ev) => {
			ev.preventDefault();
			searchNow();
		});
		$('#ports-search').addEventListener('input', () => {
			clearTimeout(searchTimer);
			searchTimer = setTimeout(searchNow, 300);
		});
		for (const b of document.querySelectorAll('dialog [data-close]'))
			b.addEventListener('click', () => b.closest('dialog').close());
		st.ports.rows = num($('#ports-rows').value) || 10;
		renderAll();
		$('#login-user').focus();
	}

	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
	else init();
})();
