// Capture real Chromium SDP offers as test fixtures for the media module's
// SDP parser and answerer (tests/test-sdp.c, tests/test-sdp-answer.c).
//
//   node tools/capture-offers.mjs [OUTPUT_DIR]
//
// OUTPUT_DIR defaults to tests/fixtures/sdp. Environment: CHROMIUM_PATH
// (default /usr/lib/chromium/chromium). Each offer is saved after ICE
// gathering completes, so the candidates are in the SDP as they would be
// in a non-trickle exchange.
//
// SPDX-License-Identifier: Apache-2.0

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tests/browser/node_modules/playwright-core/index.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = resolve(process.argv[2] ?? join(HERE, '..', 'tests', 'fixtures', 'sdp'));
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];
const GATHER_TIMEOUT_MS = 15_000;

// Runs inside the page. Builds one offer per scenario, waits for ICE
// gathering to finish (or a deadline: with no network, gathering can stall
// on some hosts) and returns the final local description.
async function makeOffer({ scenario, gatherTimeoutMs }) {
  const pc = new RTCPeerConnection();
  const streams = [];
  try {
    if (scenario === 'sendrecv-audio-video') {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      streams.push(stream);
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
    } else if (scenario === 'recvonly') {
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
    } else if (scenario === 'simulcast') {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      streams.push(stream);
      pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
      pc.addTransceiver(stream.getVideoTracks()[0], {
        direction: 'sendonly',
        streams: [stream],
        sendEncodings: [
          { rid: 'q', scaleResolutionDownBy: 4.0, maxBitrate: 150_000 },
          { rid: 'h', scaleResolutionDownBy: 2.0, maxBitrate: 500_000 },
          { rid: 'f', maxBitrate: 1_500_000 },
        ],
      });
    } else if (scenario === 'screen-plus-camera') {
      // getDisplayMedia needs a picker even in headless mode; a second
      // camera capture is what the SDP sees the same way: a second video
      // track in its own stream.
      const camera = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const screen = await navigator.mediaDevices.getUserMedia({
        video: { width: 1280, height: 720 },
      });
      streams.push(camera, screen);
      for (const track of camera.getTracks()) pc.addTrack(track, camera);
      for (const track of screen.getTracks()) pc.addTrack(track, screen);
    } else if (scenario === 'datachannel') {
      pc.createDataChannel('chat');
    } else {
      throw new Error(`unknown scenario ${scenario}`);
    }

    const gathered = new Promise((resolveGather) => {
      if (pc.iceGatheringState === 'complete') resolveGather();
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolveGather();
      });
      setTimeout(resolveGather, gatherTimeoutMs);
    });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered;
    return { sdp: pc.localDescription.sdp, gathering: pc.iceGatheringState };
  } finally {
    for (const stream of streams) for (const track of stream.getTracks()) track.stop();
    pc.close();
  }
}

const SCENARIOS = [
  'sendrecv-audio-video', 'recvonly', 'simulcast', 'screen-plus-camera', 'datachannel',
];

async function main() {
  mkdirSync(OUT_DIR, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  let failed = 0;
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    // about:blank is not a secure context, so navigator.mediaDevices is
    // missing there. A page at http://localhost is (W3C Secure Contexts
    // treats loopback as potentially trustworthy); Playwright serves it
    // from memory, so no server is started and nothing leaves the host.
    await page.route('http://localhost/capture', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>capture</title>' }));
    await page.goto('http://localhost/capture');
    const version = browser.version();
    for (const scenario of SCENARIOS) {
      try {
        const { sdp, gathering } = await page.evaluate(makeOffer, {
          scenario,
          gatherTimeoutMs: GATHER_TIMEOUT_MS,
        });
        const file = join(OUT_DIR, `chromium-${scenario}.sdp`);
        writeFileSync(file, sdp);
        const candidates = sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:')).length;
        console.log(`${file}: ${sdp.length} bytes, ${candidates} candidates, ` +
                    `gathering ${gathering}, Chromium ${version}`);
      } catch (err) {
        failed++;
        console.error(`${scenario}: ${err.message}`);
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
