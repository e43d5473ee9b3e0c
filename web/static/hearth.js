// hearth.js: enhancement only. Every page works without it; with it,
//  - forms marked data-swap (favourite, follow, join) apply without a
//    reload: the form posts in the background and the server's own HTML for
//    the marked element replaces it, so the page and the server never
//    disagree about state;
//  - streams marked data-live hold new posts behind an "N new posts" button,
//    fed by the streaming API (server-sent events; data-live names the
//    stream: "user", "public", "hashtag?tag=x", "group?group=7"), and drop
//    deleted ones;
//  - the notification badge (and the tab's title) counts up as
//    notifications arrive;
//  - the composer's Preview button shows the rendered Markdown in place;
//  - relative times ("5 min") stay fresh;
//  - the phone's "More" menu closes on Escape or a click outside it.
// Served from hearthd under a content-hashed name; the CSP forbids inline
// script, so all behaviour hangs off data- attributes in the templates.
'use strict';

(() => {
  // A polite live region for what changed out of sight.
  const status = document.createElement('div');
  status.className = 'sr-only';
  status.setAttribute('role', 'status');
  document.body.append(status);
  const say = (text) => {
    status.textContent = '';
    // A fresh node each time so a repeated message is announced again.
    window.setTimeout(() => { status.textContent = text; }, 50);
  };

  // Errors the person must see: a dismissible alert on top of the page.
  function showError(text) {
    let box = document.getElementById('js-error');
    if (!box) {
      box = document.createElement('p');
      box.id = 'js-error';
      box.className = 'alert toast';
      box.setAttribute('role', 'alert');
      document.getElementById('main')?.prepend(box);
    }
    box.textContent = text;
  }

  // What an error page says, for a failed background request.
  function errorText(doc, res) {
    const msg = doc.querySelector('main .alert, main p');
    const head = doc.querySelector('main h1');
    return [head?.textContent, msg?.textContent].filter(Boolean).join(': ') ||
      `The server answered ${res.status}.`;
  }

  // Post a form in the background (urlencoded, like the browser would) and
  // parse the page the server answers with, after its redirect.
  async function post(form, submitter) {
    const body = new URLSearchParams(new FormData(form, submitter));
    const res = await fetch(form.action, {
      method: 'POST', body, credentials: 'same-origin',
      headers: { Accept: 'text/html' },
    });
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    return { res, doc };
  }

  // Replace the element with id by its counterpart in doc; false if doc
  // has none. Focus moves to the matching control so keyboard users stay
  // where they were.
  function swap(id, doc, focusSelector) {
    const old = document.getElementById(id);
    const fresh = doc.getElementById(id);
    if (!old || !fresh) return false;
    const node = document.importNode(fresh, true);
    old.replaceWith(node);
    const target = (focusSelector && node.querySelector(focusSelector)) ||
      node.querySelector('form[data-swap] button');
    target?.focus();
    return true;
  }

  document.addEventListener('submit', async (ev) => {
    const form = ev.target;
    const submitter = ev.submitter;
    const preview = submitter?.name === 'preview';
    if (!form.dataset.swap && !preview) return;
    ev.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = '1';
    form.setAttribute('aria-busy', 'true');
    try {
      const { res, doc } = await post(form, submitter);
      if (preview) {
        showPreview(form, doc, res);
      } else if (!res.ok) {
        showError(errorText(doc, res));
      } else if (new URL(res.url).pathname !== window.location.pathname) {
        // The server sent us elsewhere (left a private group): go along.
        window.location.assign(res.url);
      } else if (swap(form.dataset.swap, doc, form.dataset.focus)) {
        const done = document.getElementById(form.dataset.swap)
          ?.querySelector('form[data-swap] button');
        if (done) say(done.textContent.replace(/\s+/g, ' ').trim());
        document.getElementById('js-error')?.remove();
      } else {
        window.location.assign(res.url);
      }
    } catch {
      showError('hearth could not be reached. Check the connection and try again.');
    } finally {
      delete form.dataset.busy;
      form.removeAttribute('aria-busy');
    }
  });

  // The composer's preview: the server renders exactly what posting would.
  function showPreview(form, doc, res) {
    const fresh = doc.getElementById('preview');
    const error = doc.getElementById('compose-error');
    document.getElementById('compose-error')?.remove();
    const old = document.getElementById('preview');
    if (fresh) {
      const node = document.importNode(fresh, true);
      if (old) old.replaceWith(node); else form.after(node);
      say('Preview updated');
    } else if (error) {
      old?.remove();
      form.before(document.importNode(error, true));
    } else {
      showError(errorText(doc, res));
    }
  }

  // The unread badge in the navigation.
  const badge = document.querySelector('[data-unread]');
  function bumpBadge() {
    if (!badge) return;
    const n = Number(badge.dataset.unread || 0) + 1;
    badge.dataset.unread = String(n);
    const num = badge.querySelector('[data-unread-n]');
    if (num) num.textContent = String(n);
    // The tab's title counts too, as the server renders it: "(2) Home".
    document.title = `(${n}) ${document.title.replace(/^\(\d+\) /, '')}`;
    badge.hidden = false;
  }

  // A stream that updates itself: new posts wait behind a button, so what
  // the person is reading never jumps.
  const live = document.querySelector('[data-live]');
  const pending = new Set();
  let button = null;
  function showPending() {
    if (!live) return;
    if (!button) {
      const box = document.createElement('div');
      box.className = 'new-posts';
      box.setAttribute('aria-live', 'polite');
      button = document.createElement('button');
      button.type = 'button';
      button.className = 'primary';
      button.addEventListener('click', loadNew);
      box.append(button);
      (live.querySelector('h2') || live.firstChild)?.after(box);
    }
    const n = pending.size;
    button.textContent = n === 1 ? '1 new post' : `${n} new posts`;
    button.parentElement.hidden = n === 0;
  }

  // Show what is new: the server renders the stream's first page again.
  async function loadNew() {
    try {
      const res = await fetch(window.location.pathname + window.location.search,
        { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById(live.id);
      if (!res.ok || !fresh) throw new Error('reload');
      const keep = button.parentElement;
      live.replaceChildren(...[...fresh.childNodes].map((n) => document.importNode(n, true)));
      (live.querySelector('h2') || live.firstChild)?.after(keep);
      pending.clear();
      showPending();
      const first = live.querySelector('article.post');
      if (first) {
        first.tabIndex = -1;
        first.focus();
      }
    } catch {
      window.location.reload();
    }
  }

  function onUpdate(ev) {
    let s;
    try { s = JSON.parse(ev.data); } catch { return; }
    if (document.getElementById(`post-${s.id}`) || pending.has(s.id)) return;
    pending.add(s.id);
    showPending();
  }

  function onDelete(ev) {
    const id = String(ev.data).trim();
    document.getElementById(`post-${id}`)?.remove();
    if (pending.delete(id)) showPending();
  }

  // The user stream carries notifications (and the home stream's posts);
  // other live streams are opened besides it. EventSource reconnects by
  // itself after a restart or a network change.
  // Open streams are counted on <body data-streams> (tests wait for it).
  const opened = (es) => es.addEventListener('open', () => {
    document.body.dataset.streams = String(Number(document.body.dataset.streams || 0) + 1);
  }, { once: true });
  if (document.querySelector('[data-signed-in]') && window.EventSource) {
    const user = new EventSource('/api/v1/streaming/user');
    opened(user);
    user.addEventListener('notification', bumpBadge);
    if (live?.dataset.live === 'user') {
      user.addEventListener('update', onUpdate);
      user.addEventListener('delete', onDelete);
    } else if (live) {
      const other = new EventSource(`/api/v1/streaming/${live.dataset.live}`);
      opened(other);
      other.addEventListener('update', onUpdate);
      other.addEventListener('delete', onDelete);
    }
  }

  // The "More" menu is a details element; close it as menus close.
  const more = document.querySelector('details.nav-menu');
  if (more) {
    document.addEventListener('click', (ev) => {
      if (more.open && !more.contains(ev.target)) more.open = false;
    });
    more.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && more.open) {
        more.open = false;
        more.querySelector('summary').focus();
      }
    });
  }

  // Relative times as the server writes them, kept fresh; the exact time
  // stays in the title.
  function ago(t) {
    const d = Math.max(0, (Date.now() - t) / 1000);
    if (d < 60) return 'just now';
    if (d < 3600) return `${Math.floor(d / 60)} min`;
    if (d < 86400) return `${Math.floor(d / 3600)} h`;
    if (d < 7 * 86400) return `${Math.floor(d / 86400)} d`;
    return null;
  }
  window.setInterval(() => {
    for (const el of document.querySelectorAll('time[datetime][data-ago]')) {
      const text = ago(Date.parse(el.getAttribute('datetime')));
      if (text && el.textContent !== text) el.textContent = text;
    }
  }, 30000);
})();
