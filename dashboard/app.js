// Tributary's dashboard: one page, Preact with htm (no build step), talking to this server's API
// with the secret key the user signs in with (kept in this tab's session storage only).
import htm from 'htm';
import { h, render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';

const html = htm.bind(h);
const KEY = 'tributary.secretKey';

// ---------------------------------------------------------------------------------------------
// the API

export class ApiError extends Error {}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${sessionStorage.getItem(KEY) ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data =
    text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const e = data?.errors?.[0];
    throw new ApiError(
      `${response.status} ${e?.code ?? ''}${e?.parameter ? ` (${e.parameter})` : ''}: ${e?.message ?? e?.description ?? ''}`,
    );
  }
  return data;
}

const query = (params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== '' && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

// ---------------------------------------------------------------------------------------------
// formatting: money in its currency, times as the account clock gives them (UTC)

const money = (amount, currency) => {
  if (amount === undefined || amount === null) return '—';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(amount);
  } catch {
    return `${amount} ${currency ?? ''}`;
  }
};
const time = (iso) => (iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '—');
const State = ({ value }) => html`<span class=${`state ${value ?? ''}`}>${value ?? '—'}</span>`;

// ---------------------------------------------------------------------------------------------
// small hooks

function useHash() {
  const [hash, setHash] = useState(location.hash || '#/orders');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/orders');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error) => setState({ data: undefined, error: error.message, loading: false }),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

/** A button that runs an API action, shows its error, and tells the page to reload. */
function Action({ label, run, done, kind = '', confirm: ask }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState();
  const click = async () => {
    if (ask && !window.confirm(ask)) return;
    setBusy(true);
    setError(undefined);
    try {
      await run();
      done?.();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<span>
    <button class=${kind} disabled=${busy} onClick=${click}>${label}</button>
    ${error && html`<div class="error" role="alert">${error}</div>`}
  </span>`;
}

const Loading = ({ state }) =>
  state.error
    ? html`<div class="error" role="alert">${state.error}</div>`
    : html`<p class="muted">Loading…</p>`;

function Json({ value }) {
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}

/** DR's list paging: newest first, `startingAfter` for older, `endingBefore` for newer. */
function Pager({ page, data, setPage }) {
  const rows = data?.data ?? [];
  return html`<div class="pager">
    <button class="secondary" disabled=${!page.startingAfter && !page.endingBefore}
      onClick=${() => setPage({})}>Newest</button>
    <button class="secondary" disabled=${rows.length === 0 || (!data?.hasMore && !page.endingBefore)}
      onClick=${() => setPage({ startingAfter: rows.at(-1)?.id })}>Older</button>
  </div>`;
}

// ---------------------------------------------------------------------------------------------
// sign in

function SignIn({ onSignedIn }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState();
  const submit = async (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, key.trim());
    try {
      await api('GET', '/account');
      onSignedIn();
    } catch (e) {
      sessionStorage.removeItem(KEY);
      setError(e.message);
    }
  };
  return html`<div class="signin card">
    <h1>Tributary dashboard</h1>
    <p class="muted">Sign in with a secret key (<code>sk_test_…</code>). It is kept in this tab only.</p>
    <form onSubmit=${submit}>
      <label>Secret key <input name="key" type="password" autocomplete="off" value=${key}
        onInput=${(e) => setKey(e.target.value)} /></label>
      <p><button type="submit">Sign in</button></p>
    </form>
    ${error && html`<div class="error" role="alert">${error}</div>`}
  </div>`;
}

// ---------------------------------------------------------------------------------------------
// orders

const ORDER_STATES = [
  '',
  'pending_payment',
  'in_review',
  'accepted',
  'fulfilled',
  'complete',
  'returned',
  'blocked',
  'cancelled',
  'dispute',
];

function Orders() {
  const [filters, setFilters] = useState({ state: '', search: '', currency: '', from: '', to: '' });
  const [page, setPage] = useState({});
  const search = filters.search.trim();
  // an id is digits, an email has @, anything else is an upstreamId
  const searchFilter = !search
    ? {}
    : /^\d+$/.test(search)
      ? { ids: search }
      : search.includes('@')
        ? { email: search }
        : { upstreamIds: search };
  // DR's listOrders filters: state, currency, createdTime[gte]/[lte] (a day, UTC)
  const range = {
    'createdTime[gte]': filters.from ? `${filters.from}T00:00:00Z` : undefined,
    'createdTime[lte]': filters.to ? `${filters.to}T23:59:59Z` : undefined,
  };
  const list = useLoad(
    () =>
      api(
        'GET',
        `/orders${query({ limit: 20, state: filters.state, currency: filters.currency, ...range, ...searchFilter, ...page })}`,
      ),
    [
      filters.state,
      filters.currency,
      filters.from,
      filters.to,
      search,
      page.startingAfter,
      page.endingBefore,
    ],
  );
  const set = (name) => (e) => {
    setPage({});
    setFilters({ ...filters, [name]: e.target.value });
  };
  return html`<section>
    <h1>Orders</h1>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>Search (id, email or upstream id)
        <input name="search" value=${filters.search} onInput=${(e) => {
          setPage({});
          setFilters({ ...filters, search: e.target.value });
        }} /></label>
      <label>State
        <select name="state" value=${filters.state} onChange=${(e) => {
          setPage({});
          setFilters({ ...filters, state: e.target.value });
        }}>
          ${ORDER_STATES.map((s) => html`<option value=${s}>${s || 'any'}</option>`)}
        </select></label>
      <label>Currency <input name="currency" size="4" value=${filters.currency} onChange=${set('currency')} /></label>
      <label>Created from <input name="from" type="date" value=${filters.from} onChange=${set('from')} /></label>
      <label>to <input name="to" type="date" value=${filters.to} onChange=${set('to')} /></label>
    </form>
    ${
      list.data
        ? html`<table>
      <thead><tr><th>Order</th><th>Created</th><th>Email</th><th>State</th><th class="num">Total</th><th class="num">Refunded</th></tr></thead>
      <tbody>${list.data.data.map(
        (o) => html`<tr class="clickable" onClick=${() => (location.hash = `#/orders/${o.id}`)}>
        <td><a href=${`#/orders/${o.id}`}>${o.id}</a></td><td>${time(o.createdTime)}</td><td>${o.email ?? ''}</td>
        <td><${State} value=${o.state} /></td><td class="num">${money(o.totalAmount, o.currency)}</td>
        <td class="num">${money(o.refundedAmount, o.currency)}</td></tr>`,
      )}
        ${list.data.data.length === 0 && html`<tr><td colspan="6" class="muted">No orders.</td></tr>`}</tbody>
    </table><${Pager} page=${page} data=${list.data} setPage=${setPage} />`
        : html`<${Loading} state=${list} />`
    }
  </section>`;
}

function Charge({ charge, currency, reload }) {
  const pending = (charge.captures ?? []).filter((c) => c.state === 'pending');
  return html`<div class="card charge">
    <dl class="facts">
      <dt>Charge</dt><dd>${charge.id} <${State} value=${charge.state} /></dd>
      <dt>Amount</dt><dd>${money(charge.amount, currency)}${charge.capturable ? ' (capturable)' : ''}</dd>
      <dt>Source</dt><dd>${charge.sourceId ?? '—'} (${charge.type ?? ''})</dd>
      <dt>Captures</dt><dd>${(charge.captures ?? []).map((c) => html`<div>${c.id}: ${money(c.amount, currency)} <${State} value=${c.state} /></div>`)}${!(charge.captures ?? []).length && '—'}</dd>
      <dt>Cancels</dt><dd>${(charge.cancels ?? []).map((c) => html`<div>${c.id}: ${money(c.amount, currency)} <${State} value=${c.state} /></div>`)}${!(charge.cancels ?? []).length && '—'}</dd>
      <dt>Refunds</dt><dd>${(charge.refunds ?? []).map((r) => html`<div>${r.id}: ${money(r.amount, currency)} <${State} value=${r.state} /></div>`)}${!(charge.refunds ?? []).length && '—'}</dd>
    </dl>
    <div class="toolbar">
      <${Action} label="Expire the authorization" run=${() => api('POST', `/test-helpers/charges/${charge.id}/expire-authorization`)} done=${reload} kind="secondary" />
      <${Action} label="Refuse the reauthorization" run=${() => api('POST', `/test-helpers/charges/${charge.id}/refuse-reauthorization`)} done=${reload} kind="secondary" />
      ${pending.map((c) => html`<${Action} label=${`Fail capture ${c.id.slice(0, 8)}…`} run=${() => api('POST', `/test-helpers/captures/${c.id}/fail`)} done=${reload} kind="danger" />`)}
    </div>
  </div>`;
}

function Order({ id }) {
  const [shown, setShown] = useState();
  const state = useLoad(async () => {
    const [order, fulfillments, refunds, returns, events] = await Promise.all([
      api('GET', `/orders/${id}`),
      api('GET', `/fulfillments${query({ orderId: id, limit: 100 })}`),
      api('GET', `/refunds${query({ orderId: id, limit: 100 })}`),
      api('GET', `/returns${query({ orderId: id, limit: 100 })}`),
      api('GET', `/events${query({ orderId: id, limit: 100 })}`),
    ]);
    return {
      order,
      fulfillments: fulfillments.data,
      refunds: refunds.data,
      returns: returns.data,
      events: events.data,
    };
  }, [id]);
  if (!state.data) return html`<${Loading} state=${state} />`;
  const { order, fulfillments, refunds, returns, events } = state.data;
  const c = order.currency;
  return html`<section>
    <h1>Order ${order.id} <${State} value=${order.state} /></h1>
    <div class="toolbar">
      <button class="secondary" onClick=${state.reload}>Refresh</button>
      <${Action} label="Open a dispute" run=${() => api('POST', `/test-helpers/orders/${order.id}/dispute`)} done=${state.reload} kind="danger" confirm="Open a dispute on this order?" />
    </div>
    <div class="card"><dl class="facts">
      <dt>Created</dt><dd>${time(order.createdTime)}</dd>
      <dt>Email</dt><dd>${order.email ?? '—'}</dd>
      <dt>Checkout</dt><dd>${order.checkoutId ?? '—'}</dd>
      <dt>Upstream id</dt><dd>${order.upstreamId ?? '—'}</dd>
      <dt>Total</dt><dd>${money(order.totalAmount, c)} (tax ${money(order.totalTax, c)}, shipping ${money(order.totalShipping, c)})</dd>
      <dt>Captured</dt><dd>${money(order.capturedAmount, c)}</dd>
      <dt>Cancelled</dt><dd>${money(order.cancelledAmount, c)}</dd>
      <dt>Refunded</dt><dd>${money(order.refundedAmount, c)} (${money(order.availableToRefundAmount, c)} left to refund)</dd>
    </dl></div>
    <h2>Items</h2>
    <table><thead><tr><th>Item</th><th>Product</th><th>State</th><th class="num">Qty</th><th class="num">Amount</th><th class="num">Tax</th></tr></thead>
      <tbody>${(order.items ?? []).map(
        (
          i,
        ) => html`<tr><td>${i.id}</td><td>${i.productDetails?.name ?? i.skuId ?? ''}</td><td><${State} value=${i.state} /></td>
        <td class="num">${i.quantity}</td><td class="num">${money(i.amount, c)}</td><td class="num">${money(i.tax?.amount, c)}</td></tr>`,
      )}</tbody></table>
    <h2>Charges</h2>
    ${(order.payment?.charges ?? []).map((charge) => html`<${Charge} charge=${charge} currency=${c} reload=${state.reload} />`)}
    <h2>Fulfillments</h2>
    ${
      fulfillments.length
        ? html`<table><thead><tr><th>Fulfillment</th><th>Created</th><th>Items</th><th>Tracking</th></tr></thead><tbody>
      ${fulfillments.map(
        (f) => html`<tr><td>${f.id}</td><td>${time(f.createdTime)}</td>
        <td>${(f.items ?? []).map((i) => html`<div>${i.itemId}: ${i.quantity ?? 0} shipped, ${i.cancelQuantity ?? 0} cancelled</div>`)}</td>
        <td>${f.trackingCompany ?? ''} ${f.trackingNumber ?? ''}</td></tr>`,
      )}</tbody></table>`
        : html`<p class="muted">None.</p>`
    }
    <h2>Refunds</h2>
    ${
      refunds.length
        ? html`<table><thead><tr><th>Refund</th><th>Created</th><th>Type</th><th>State</th><th class="num">Amount</th><th class="num">Refunded</th></tr></thead><tbody>
      ${refunds.map(
        (
          r,
        ) => html`<tr><td>${r.id}</td><td>${time(r.createdTime)}</td><td>${r.type ?? ''}</td><td><${State} value=${r.state} /></td>
        <td class="num">${money(r.amount, c)}</td><td class="num">${money(r.refundedAmount, c)}</td></tr>`,
      )}</tbody></table>`
        : html`<p class="muted">None.</p>`
    }
    <h2>Returns</h2>
    ${
      returns.length
        ? html`<table><thead><tr><th>Return</th><th>Created</th><th>State</th><th>Items</th></tr></thead><tbody>
      ${returns.map(
        (r) => html`<tr><td>${r.id}</td><td>${time(r.createdTime)}</td><td><${State} value=${r.state} /></td>
        <td>${(r.items ?? []).map((i) => html`<div>${i.itemId}: ${i.quantity} (${i.quantityAccepted ?? 0} accepted)</div>`)}</td></tr>`,
      )}</tbody></table>`
        : html`<p class="muted">None.</p>`
    }
    <h2>Timeline</h2>
    <ol class="timeline" reversed>${events.map(
      (e) => html`<li>
      <span class="muted">${time(e.createdTime)}</span> <button class="link" onClick=${() => setShown(shown === e.id ? undefined : e.id)}>${e.type}</button>
      ${shown === e.id && html`<${Json} value=${e} />`}</li>`,
    )}</ol>
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// checkouts, customers, events

function ListPage({ title, path, columns, params = {}, extra }) {
  const [page, setPage] = useState({});
  const [shown, setShown] = useState();
  const list = useLoad(
    () => api('GET', `${path}${query({ limit: 20, ...params, ...page })}`),
    [path, JSON.stringify(params), page.startingAfter, page.endingBefore],
  );
  return html`<section>
    <h1>${title}</h1>
    ${extra}
    ${
      list.data
        ? html`<table>
      <thead><tr>${columns.map(([name]) => html`<th>${name}</th>`)}</tr></thead>
      <tbody>${list.data.data.map(
        (row) => html`
        <tr class="clickable" onClick=${() => setShown(shown === row.id ? undefined : row.id)}>${columns.map(([, cell]) => html`<td>${cell(row)}</td>`)}</tr>
        ${shown === row.id && html`<tr><td colspan=${columns.length}><${Json} value=${row} /></td></tr>`}`,
      )}
        ${list.data.data.length === 0 && html`<tr><td colspan=${columns.length} class="muted">None.</td></tr>`}</tbody>
    </table><${Pager} page=${page} data=${list.data} setPage=${setPage} />`
        : html`<${Loading} state=${list} />`
    }
  </section>`;
}

const Checkouts = () =>
  html`<${ListPage} title="Checkouts" path="/checkouts" columns=${[
    ['Checkout', (r) => r.id],
    ['Created', (r) => time(r.createdTime)],
    ['Email', (r) => r.email ?? ''],
    ['Session', (r) => html`<${State} value=${r.payment?.session?.state} />`],
    ['Total', (r) => money(r.totalAmount, r.currency)],
  ]} />`;

const Customers = () =>
  html`<${ListPage} title="Customers" path="/customers" columns=${[
    ['Customer', (r) => r.id],
    ['Created', (r) => time(r.createdTime)],
    ['Email', (r) => r.email ?? ''],
    ['Type', (r) => r.type ?? ''],
    ['Sources', (r) => (r.sources ?? []).length],
  ]} />`;

function Events() {
  const [type, setType] = useState('');
  return html`<${ListPage} title="Events" path="/events" params=${{ type }} columns=${[
    ['Event', (r) => r.id],
    ['Created', (r) => time(r.createdTime)],
    ['Type', (r) => r.type],
    ['Object', (r) => r.data?.object?.id ?? ''],
    ['Webhooks', (r) => (r.webhookIds ?? []).length],
  ]} extra=${html`<form class="filters" onSubmit=${(e) => e.preventDefault()}><label>Type (order.*, exact)
    <input name="type" value=${type} onChange=${(e) => setType(e.target.value)} /></label></form>`} />`;
}

function Requests() {
  const [status, setStatus] = useState('');
  return html`<${ListPage} title="Request log" path="/test-helpers/requests" params=${{ status }} columns=${[
    ['Time', (r) => time(r.createdTime)],
    ['Status', (r) => html`<${State} value=${String(r.status)} />`],
    ['Request', (r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`],
    ['ms', (r) => r.durationMs],
    ['Error', (r) => r.errorCode ?? ''],
    ['Request id', (r) => r.id],
  ]} extra=${html`<form class="filters" onSubmit=${(e) => e.preventDefault()}><label>Status (404, 4xx)
    <input name="status" value=${status} onChange=${(e) => setStatus(e.target.value)} /></label></form>`} />`;
}

// ---------------------------------------------------------------------------------------------
// webhooks and their deliveries

const Webhooks = () =>
  html`<${ListPage} title="Webhooks" path="/webhooks" columns=${[
    [
      'Webhook',
      (r) => html`<a href=${`#/webhooks/${r.id}`} onClick=${(e) => e.stopPropagation()}>${r.id}</a>`,
    ],
    ['Address', (r) => r.address],
    ['Types', (r) => (r.types ?? []).join(', ')],
    ['Enabled', (r) => (r.enabled ? 'yes' : 'no')],
    ['Version', (r) => r.apiVersion],
  ]} />`;

function Webhook({ id }) {
  const [shown, setShown] = useState();
  const [since, setSince] = useState('');
  const state = useLoad(async () => {
    const [webhook, deliveries] = await Promise.all([
      api('GET', `/webhooks/${id}`),
      api('GET', `/webhooks/${id}/deliveries?limit=100`),
    ]);
    return { webhook, attempts: deliveries.data };
  }, [id]);
  if (!state.data) return html`<${Loading} state=${state} />`;
  const { webhook, attempts } = state.data;
  return html`<section>
    <h1>Webhook ${webhook.id}</h1>
    <div class="card"><dl class="facts">
      <dt>Address</dt><dd>${webhook.address}</dd><dt>Types</dt><dd>${(webhook.types ?? []).join(', ')}</dd>
      <dt>Enabled</dt><dd>${webhook.enabled ? 'yes' : 'no'}</dd><dt>API version</dt><dd>${webhook.apiVersion}</dd>
    </dl></div>
    <div class="toolbar">
      <button class="secondary" onClick=${state.reload}>Refresh</button>
      <label>Failed since <input name="since" type="datetime-local" value=${since} onInput=${(e) => setSince(e.target.value)} /></label>
      <${Action} label="Redeliver what failed" run=${() => api('POST', `/webhooks/${id}/redeliver-failed`, { since: new Date(`${since || '1970-01-01T00:00'}Z`).toISOString() })} done=${state.reload} />
    </div>
    <h2>Deliveries</h2>
    <table><thead><tr><th>Attempted</th><th>Event</th><th>Attempt</th><th>Status</th><th>Outcome</th><th class="num">ms</th><th>Next retry</th><th></th></tr></thead>
      <tbody>${attempts.map(
        (a) => html`
        <tr class="clickable" onClick=${() => setShown(shown === a.id ? undefined : a.id)}><td>${time(a.attemptedTime)}</td><td>${a.eventType} <span class="muted">${a.eventId}</span></td>
          <td class="num">${a.attempt}</td><td>${a.status ?? a.error ?? ''}</td><td><${State} value=${a.outcome} /></td><td class="num">${a.durationMs}</td>
          <td>${time(a.nextAttemptTime)}</td>
          <td onClick=${(e) => e.stopPropagation()}><${Action} label="Redeliver" kind="secondary" run=${() => api('POST', `/events/${a.eventId}/redeliver`, { webhookId: id })} done=${state.reload} /></td></tr>
        ${
          shown === a.id &&
          html`<tr><td colspan="8" class="attempt">
          <h2>Request headers</h2><${Json} value=${a.requestHeaders ?? {}} />
          <h2>Request body</h2><${Json} value=${a.requestBody ?? null} />
          <h2>Response (${a.status ?? a.error ?? 'none'})</h2><pre class="json">${a.responseBody ?? ''}</pre>
        </td></tr>`
        }`,
      )}
        ${attempts.length === 0 && html`<tr><td colspan="8" class="muted">No deliveries yet.</td></tr>`}</tbody></table>
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// the account: clock, policy, limits; the scenario cards

function Account({ onClock }) {
  const [seconds, setSeconds] = useState('3600');
  const [notice, setNotice] = useState();
  const state = useLoad(() => Promise.all([api('GET', '/account'), api('GET', '/test-helpers/clock')]), []);
  if (!state.data) return html`<${Loading} state=${state} />`;
  const [account, clock] = state.data;
  const advance = async (by) => {
    const after = await api('POST', '/test-helpers/clock/advance', { seconds: Number(by) });
    setNotice(`The clock is now ${time(after.time)}; ${after.tasksRun} tasks ran.`);
    onClock?.();
  };
  return html`<section>
    <h1>Account</h1>
    <div class="card"><dl class="facts">
      <dt>Account</dt><dd>${account.id} (${account.name})</dd>
      <dt>Clock</dt><dd class="account-clock">${time(clock.time)} <span class="muted">(offset ${clock.offsetSeconds} s)</span></dd>
      <dt>API version</dt><dd>${account.apiVersion}</dd>
      <dt>Rate limit</dt><dd>${account.rateLimitPerSecond ? `${account.rateLimitPerSecond} requests per second per key` : 'none'}</dd>
      <dt>Tax rates</dt><dd>${Object.keys(account.taxRates ?? {}).length ? JSON.stringify(account.taxRates) : 'the built-in table'}</dd>
    </dl></div>
    <h2>Clock</h2>
    <div class="toolbar">
      <label>Seconds <input name="seconds" value=${seconds} onInput=${(e) => setSeconds(e.target.value)} /></label>
      <${Action} label="Advance" run=${() => advance(seconds)} done=${state.reload} />
      <${Action} label="+1 hour" kind="secondary" run=${() => advance(3600)} done=${state.reload} />
      <${Action} label="+1 day" kind="secondary" run=${() => advance(86400)} done=${state.reload} />
      <${Action} label="+8 days" kind="secondary" run=${() => advance(8 * 86400)} done=${state.reload} />
    </div>
    ${notice && html`<div class="notice" role="status">${notice}</div>`}
    <h2>Chargeback-risk policy</h2>
    <div class="toolbar">
      <span>Now <strong class="policy">${account.chargebackRiskPolicy}</strong></span>
      ${['tolerant', 'averse']
        .filter((p) => p !== account.chargebackRiskPolicy)
        .map(
          (p) => html`
        <${Action} label=${`Make it ${p}`} run=${() => api('POST', '/account', { chargebackRiskPolicy: p })} done=${state.reload} />`,
        )}
    </div>
  </section>`;
}

function Scenarios() {
  const state = useLoad(() => api('GET', '/test-helpers/scenarios'), []);
  if (!state.data) return html`<${Loading} state=${state} />`;
  return html`<section>
    <h1>Test cards</h1>
    <div class="grid">${state.data.data.map(
      (s) => html`<div class="card scenario">
      <strong>${s.id}</strong> <span class="muted">(${s.origin === 'dr' ? 'Digital River' : 'Tributary'})</span>
      <p>${s.description}</p>
      <ul class="plain">${s.cards.map((n) => html`<li><code>${n.replace(/(\d{4})(?=\d)/g, '$1 ')}</code></li>`)}</ul>
    </div>`,
    )}</div>
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// the frame

const PAGES = [
  ['#/orders', 'Orders'],
  ['#/checkouts', 'Checkouts'],
  ['#/customers', 'Customers'],
  ['#/events', 'Events'],
  ['#/webhooks', 'Webhooks'],
  ['#/requests', 'Requests'],
  ['#/account', 'Account'],
  ['#/scenarios', 'Test cards'],
];

function Frame({ onSignOut }) {
  const hash = useHash();
  const [clock, setClock] = useState();
  const readClock = useCallback(
    () =>
      api('GET', '/test-helpers/clock').then(
        (c) => setClock(c.time),
        () => {},
      ),
    [],
  );
  useEffect(() => {
    readClock();
    const timer = setInterval(readClock, 5000);
    return () => clearInterval(timer);
  }, [readClock]);
  const [, section, id] = hash.split('/');
  let page;
  if (section === 'orders' && id) page = html`<${Order} id=${id} key=${id} />`;
  else if (section === 'webhooks' && id) page = html`<${Webhook} id=${id} key=${id} />`;
  else if (section === 'checkouts') page = html`<${Checkouts} />`;
  else if (section === 'customers') page = html`<${Customers} />`;
  else if (section === 'events') page = html`<${Events} />`;
  else if (section === 'webhooks') page = html`<${Webhooks} />`;
  else if (section === 'requests') page = html`<${Requests} />`;
  else if (section === 'account') page = html`<${Account} onClock=${readClock} />`;
  else if (section === 'scenarios') page = html`<${Scenarios} />`;
  else page = html`<${Orders} />`;
  return html`<div>
    <header class="top">
      <span class="brand">Tributary</span>
      <nav>${PAGES.map(([href, label]) => html`<a href=${href} class=${hash.startsWith(href) ? 'active' : ''}>${label}</a>`)}</nav>
      <span class="clock" title="the account's clock">${clock ? time(clock) : ''}</span>
      <button class="secondary" onClick=${onSignOut}>Sign out</button>
    </header>
    <main>${page}</main>
  </div>`;
}

function App() {
  const [signedIn, setSignedIn] = useState(Boolean(sessionStorage.getItem(KEY)));
  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  return html`<${Frame} onSignOut=${() => {
    sessionStorage.removeItem(KEY);
    setSignedIn(false);
  }} />`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
