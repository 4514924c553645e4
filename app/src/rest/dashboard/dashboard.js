// The mesh dashboard: reads the node's REST API (same origin) and redraws every few seconds.
// Amounts are integer strings in base units; arithmetic on them uses BigInt so nothing rounds.
"use strict";

const REFRESH_MS = 5000;
const PAGE = 20;
const state = { providers: [], positions: [], positionCount: 0, page: 0, blockSeconds: null, samples: [] };

const $ = (id) => document.getElementById(id);

async function api(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(`${path}: HTTP ${response.status} ${body.message || ""}`);
  }
  return body;
}

const big = (text) => {
  try { return BigInt(text || "0"); } catch { return 0n; }
};
const group = (value) => value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");

// A decimal string ("0.100000000000000000") as a percentage with two places.
function percent(decimal) {
  const [whole, fraction = ""] = String(decimal || "0").split(".");
  const basisPoints = big(whole) * 10000n + big((fraction + "0000").slice(0, 4));
  return `${basisPoints / 100n}.${String(basisPoints % 100n).padStart(2, "0")}%`;
}

function ratioPercent(part, whole) {
  if (whole === 0n) return "0.00%";
  const basisPoints = (part * 10000n) / whole;
  return `${basisPoints / 100n}.${String(basisPoints % 100n).padStart(2, "0")}%`;
}

function cell(text, attributes = {}) {
  const td = document.createElement("td");
  td.textContent = text;
  for (const [name, value] of Object.entries(attributes)) td.setAttribute(name, value);
  return td;
}

function fillTable(id, rows, emptyId) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(...rows);
  if (emptyId) $(emptyId).hidden = rows.length > 0;
}

function amountCell(value, attributes) {
  return cell(group(value), { class: "num", "data-value": value.toString(), ...attributes });
}

async function refreshChain() {
  const latest = await api("/cosmos/base/tendermint/v1beta1/blocks/latest");
  const header = latest.block.header;
  const height = BigInt(header.height);
  $("chain-id").textContent = header.chain_id;
  $("height").textContent = height.toString();
  $("height").dataset.value = height.toString();
  // Block time from the last blocks seen, for the epoch countdown.
  state.samples.push({ height, time: Date.parse(header.time) });
  state.samples = state.samples.filter((s) => height - s.height <= 50n);
  const first = state.samples[0];
  if (first && height > first.height) {
    state.blockSeconds = (Date.parse(header.time) - first.time) / 1000 / Number(height - first.height);
  } else if (height > 1n) {
    const back = height > 10n ? height - 10n : 1n;
    const earlier = await api(`/cosmos/base/tendermint/v1beta1/blocks/${back}`);
    state.blockSeconds = (Date.parse(header.time) - Date.parse(earlier.block.header.time)) / 1000 / Number(height - back);
  }
  return height;
}

async function refreshEpoch(height, bonded, virtualTotal) {
  const [epoch, params] = await Promise.all([
    api("/rmesh/virtualstaking/v1/epoch"),
    api("/rmesh/virtualstaking/v1/params"),
  ]);
  $("epoch").textContent = epoch.current_epoch;
  $("epoch").dataset.value = epoch.current_epoch;
  $("next-epoch").textContent = epoch.next_epoch_height;
  $("next-epoch").dataset.value = epoch.next_epoch_height;
  const blocks = BigInt(epoch.next_epoch_height) - height;
  const seconds = state.blockSeconds ? Math.max(0, Math.round(Number(blocks) * state.blockSeconds)) : null;
  $("countdown").textContent = `${blocks} blocks` + (seconds === null ? "" : ` (~${seconds}s)`);
  $("countdown").dataset.blocks = blocks.toString();
  const share = ratioPercent(virtualTotal, bonded);
  $("remote-share").textContent = share;
  $("remote-share").dataset.virtual = virtualTotal.toString();
  $("remote-share").dataset.bonded = bonded.toString();
  $("max-remote-share").textContent = percent(params.params.max_remote_share);
  $("max-remote-share").dataset.value = params.params.max_remote_share;
  const width = bonded === 0n ? 0n : (virtualTotal * 10000n) / bonded;
  $("remote-share-bar").style.width = `${Number(width) / 100}%`;
  const [whole, fraction = ""] = String(params.params.max_remote_share || "1").split(".");
  const limit = Number(big(whole) * 10000n + big((fraction + "0000").slice(0, 4))) / 100;
  $("remote-share-limit").style.left = `${Math.min(limit, 100)}%`;
}

async function refreshProviders() {
  const { providers } = await api("/rmesh/converter/v1/providers");
  state.providers = providers;
  const rows = providers.map(({ provider, delegated }) => {
    const tr = document.createElement("tr");
    tr.dataset.provider = provider.id;
    const status = provider.status.replace("PROVIDER_STATUS_", "").toLowerCase();
    const cap = big(provider.cap);
    const used = big(delegated);
    const bar = document.createElement("td");
    bar.innerHTML = '<div class="bar"><div class="fill"></div></div>';
    bar.querySelector(".fill").style.width = cap === 0n ? "0%" : `${Number((used * 10000n) / cap) / 100}%`;
    bar.title = ratioPercent(used, cap);
    tr.append(
      cell(provider.id, { "data-field": "id" }),
      cell(status, { "data-field": "status", class: `status-${status}` }),
      cell(provider.channel_id || "—", { "data-field": "channel", "data-value": provider.channel_id }),
      cell(provider.price, { "data-field": "price", "data-value": provider.price, class: "num" }),
      cell(percent(provider.discount), { "data-field": "discount", "data-value": provider.discount, class: "num" }),
      amountCell(used, { "data-field": "delegated" }),
      amountCell(cap, { "data-field": "cap" }),
      bar,
    );
    return tr;
  });
  fillTable("providers", rows, "no-providers");
  const select = $("position-provider");
  const chosen = select.value;
  select.replaceChildren(...providers.map(({ provider }) => new Option(provider.id, provider.id)));
  if (chosen && providers.some(({ provider }) => provider.id === chosen)) select.value = chosen;
}

async function refreshValidators() {
  const [{ validators }, virtualStake] = await Promise.all([
    api("/cosmos/staking/v1beta1/validators?pagination.limit=1000"),
    api("/rmesh/virtualstaking/v1/virtual_stake"),
  ]);
  const virtualBy = new Map();
  for (const delegation of virtualStake.delegations) {
    virtualBy.set(delegation.validator, (virtualBy.get(delegation.validator) || 0n) + big(delegation.amount));
  }
  let bonded = 0n;
  const rows = validators.map((validator) => {
    const total = big(validator.tokens);
    const virtual = virtualBy.get(validator.operator_address) || 0n;
    const local = total > virtual ? total - virtual : 0n;
    if (validator.status === "BOND_STATUS_BONDED") bonded += total;
    return { validator, total, virtual, local };
  });
  rows.sort((a, b) => (b.total > a.total ? 1 : b.total < a.total ? -1 : 0));
  fillTable("validators", rows.map(({ validator, total, virtual, local }) => {
    const tr = document.createElement("tr");
    tr.dataset.validator = validator.operator_address;
    const status = validator.jailed ? "jailed" : validator.status.replace("BOND_STATUS_", "").toLowerCase();
    tr.append(
      cell(validator.description?.moniker || validator.operator_address, { title: validator.operator_address }),
      cell(status),
      amountCell(local, { "data-field": "local" }),
      amountCell(virtual, { "data-field": "virtual" }),
      amountCell(total, { "data-field": "total" }),
    );
    return tr;
  }));
  drawStakeChart(rows);
  await refreshSlashes(validators);
  return { bonded, virtualTotal: big(virtualStake.total) };
}

// Stacked bars: local stake below, virtual stake on top, one bar per validator.
function drawStakeChart(rows) {
  const svg = $("stake-chart");
  const ns = "http://www.w3.org/2000/svg";
  const width = svg.clientWidth || 800;
  const height = 240;
  const pad = 24;
  const max = rows.reduce((m, r) => (r.total > m ? r.total : m), 1n);
  const slot = (width - pad * 2) / Math.max(rows.length, 1);
  const scale = (value) => (Number((value * 1000000n) / max) / 1000000) * (height - pad * 2);
  const shapes = [];
  rows.forEach((row, i) => {
    const x = pad + i * slot + slot * 0.15;
    const w = slot * 0.7;
    const localHeight = scale(row.local);
    const virtualHeight = scale(row.virtual);
    const base = height - pad;
    for (const [kind, y, h] of [["local", base - localHeight, localHeight], ["virtual", base - localHeight - virtualHeight, virtualHeight]]) {
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", x); rect.setAttribute("y", y); rect.setAttribute("width", w); rect.setAttribute("height", Math.max(h, 0));
      rect.setAttribute("fill", kind === "local" ? "var(--local)" : "var(--virtual)");
      rect.dataset.kind = kind;
      const title = document.createElementNS(ns, "title");
      title.textContent = `${row.validator.description?.moniker || row.validator.operator_address}: ${kind} ${group(kind === "local" ? row.local : row.virtual)}`;
      rect.append(title);
      shapes.push(rect);
    }
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", x + w / 2); label.setAttribute("y", height - 6); label.setAttribute("text-anchor", "middle"); label.setAttribute("font-size", "11");
    label.textContent = row.validator.description?.moniker || `#${i}`;
    shapes.push(label);
  });
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren(...shapes);
}

async function refreshSlashes(validators) {
  const rows = [];
  for (const validator of validators) {
    const { slashes } = await api(`/cosmos/distribution/v1beta1/validators/${validator.operator_address}/slashes`);
    for (const slash of slashes || []) {
      rows.push([validator.description?.moniker || validator.operator_address, slash.validator_period, slash.fraction]);
    }
  }
  fillTable("slashes", rows.map(([who, period, fraction]) => {
    const tr = document.createElement("tr");
    tr.append(cell(who), cell(`period ${period}`), cell(percent(fraction), { "data-value": fraction }));
    return tr;
  }), "no-slashes");
}

async function refreshPackets() {
  const { packets } = await api("/rmesh/converter/v1/pending_packets");
  fillTable("packets", packets.map((packet) => {
    let kind = "?";
    try { kind = Object.keys(JSON.parse(packet.data))[0] || "?"; } catch { /* shown as ? */ }
    const tr = document.createElement("tr");
    tr.append(cell(packet.provider_id), cell(packet.id), cell(kind, { "data-field": "kind" }),
      cell(String(packet.attempts)), cell(packet.in_flight ? "in flight" : "waiting"));
    return tr;
  }), "no-packets");
}

// One page of a provider's positions, paged by the node (a provider may have many stakers).
async function refreshPositions() {
  const provider = $("position-provider").value;
  if (!provider) {
    state.positions = [];
    state.positionCount = 0;
  } else {
    const query = new URLSearchParams({
      "pagination.offset": String(state.page * PAGE),
      "pagination.limit": String(PAGE),
      "pagination.count_total": "true",
    });
    const delegator = $("position-search").value.trim();
    if (delegator) query.set("delegator", delegator);
    const answer = await api(
      `/rmesh/converter/v1/providers/${encodeURIComponent(provider)}/positions?${query}`);
    state.positions = answer.positions;
    state.positionCount = Number(answer.pagination?.total || 0);
  }
  drawPositions();
}

function drawPositions() {
  const pages = Math.max(1, Math.ceil(state.positionCount / PAGE));
  fillTable("positions", state.positions.map((p) => {
    const tr = document.createElement("tr");
    tr.append(cell(p.delegator), cell(p.validator), amountCell(big(p.amount), { "data-field": "amount" }));
    return tr;
  }));
  $("page-info").textContent = ` page ${state.page + 1} of ${pages} (${state.positionCount} positions) `;
  $("page-info").dataset.count = String(state.positionCount);
}

function turnPage(step) {
  const pages = Math.max(1, Math.ceil(state.positionCount / PAGE));
  const page = Math.min(Math.max(0, state.page + step), pages - 1);
  if (page !== state.page) {
    state.page = page;
    refreshPositions().catch(showError);
  }
}

async function refresh() {
  try {
    const height = await refreshChain();
    await refreshProviders();
    const { bonded, virtualTotal } = await refreshValidators();
    await Promise.all([refreshEpoch(height, bonded, virtualTotal), refreshPackets(), refreshPositions()]);
    $("error").hidden = true;
    $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.ready = "true";
  } catch (err) {
    showError(err);
  }
}

function showError(err) {
  $("error").hidden = false;
  $("error").textContent = `Could not read the node: ${err.message}`;
}

const restartPositions = () => { state.page = 0; refreshPositions().catch(showError); };
$("position-search").addEventListener("change", restartPositions);
$("position-provider").addEventListener("change", restartPositions);
$("prev-page").addEventListener("click", () => turnPage(-1));
$("next-page").addEventListener("click", () => turnPage(1));
refresh();
setInterval(refresh, REFRESH_MS);
