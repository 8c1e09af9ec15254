// Helpers for the browser tests: start the real cupid on a free port with a temp data dir,
// call its API from Node (https module, so the checks do not go through the page), and launch
// Debian's headless Chromium through playwright-core. Nothing here downloads a browser.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const { chromium } = await import('playwright-core');

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CUPID_BIN = process.env.CUPID_BIN || path.resolve(HERE, '../../cupid');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ADMIN = ['admin', 'adminpw'];
export const READER = ['readonly', 'pw'];

// Starts cupid: HTTPS on 127.0.0.1:0, a fresh data dir, an administrator and a read-only
// user. Resolves to {url, dir, stop()} once cupid prints its listening line.
export function startCupid(extra = []) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cupid-browser-'));
	const args = ['--https.listen=127.0.0.1:0', '--http.listen=', `--data_dir=${dir}`,
		`--user.${ADMIN[0]}=administrator:${ADMIN[1]}`, `--user.${READER[0]}=readonly:${READER[1]}`,
		'--log.level=warn', ...extra];
	const child = spawn(CUPID_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (d) => { stderr += d; });
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const gone = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), 8000);
			await gone;
			clearTimeout(t);
		}
		fs.rmSync(dir, { recursive: true, force: true });
	};
	process.once('exit', () => { try { child.kill('SIGKILL'); } catch (_) { /* gone */ } });
	return new Promise((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => {
			stop();
			reject(new Error(`cupid did not start within 15 s: ${stderr}`));
		}, 15000);
		child.stdout.on('data', (d) => {
			out += d;
			const m = /cupid: listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				child.stdout.resume();
				resolve({ url: m[1], dir, stop, stderr: () => stderr });
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`cupid exited with ${code} before listening: ${stderr}`));
		});
	});
}

// One API request from Node: resolves to {status, headers, text, json}.
export function request(base, method, p, { body, user = ADMIN } = {}) {
	const u = new URL(p, base);
	const headers = { Accept: 'application/json' };
	if (user) headers.Authorization = `Basic ${Buffer.from(`${user[0]}:${user[1]}`).toString('base64')}`;
	let data;
	if (body !== undefined) {
		data = Buffer.from(JSON.stringify(body));
		headers['Content-Type'] = 'application/json';
		headers['Content-Length'] = String(data.length);
	}
	return new Promise((resolve, reject) => {
		const rq = https.request({
			host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers,
			rejectUnauthorized: false, // cupid's generated self-signed certificate
		}, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (c) => { text += c; });
			res.on('end', () => {
				let json;
				try { json = JSON.parse(text); } catch (_) { json = undefined; }
				resolve({ status: res.statusCode, headers: res.headers, text, json });
			});
		});
		rq.on('error', reject);
		if (data) rq.write(data);
		rq.end();
	});
}

// The elements of a CUPI JSON collection (one element is an object, none is no key).
export const items = (doc, key) => (doc && doc[key] !== undefined ? [].concat(doc[key]) : []);

// Headless Chromium with a fresh profile directory; close() removes it again.
export async function launch() {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cupid-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		ignoreHTTPSErrors: true,
		viewport: { width: 1280, height: 800 },
	});
	return {
		context,
		async close() {
			await context.close();
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}
