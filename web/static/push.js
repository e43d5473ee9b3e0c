/*
 * push.js: "Notify me on this device" (Settings, Push notifications).
 * Registers the service worker (/sw.js), subscribes this browser with its
 * push service using the server's VAPID key, and hands the subscription to
 * hearth through /api/v1/push/subscription with the session and its CSRF
 * token, as an app would with its token. Loaded on that page only.
 */
'use strict';

(() => {
  const box = document.getElementById('push-settings');
  if (!box) return;
  const state = document.getElementById('push-state');
  const kinds = document.getElementById('push-kinds');
  const on = document.getElementById('push-on');
  const save = document.getElementById('push-save');
  const off = document.getElementById('push-off');
  const csrf = box.dataset.csrf || '';
  const key = box.dataset.vapidKey || '';
  const say = (text) => { state.textContent = text; };
  const show = (subscribed) => {
    kinds.hidden = false;
    on.hidden = subscribed;
    save.hidden = !subscribed;
    off.hidden = !subscribed;
  };

  /* base64url to bytes, for applicationServerKey. */
  const bytes = (s) => {
    const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(b, (c) => c.charCodeAt(0));
  };

  const api = (method, body) => fetch('/api/v1/push/subscription', {
    method,
    credentials: 'same-origin',
    headers: Object.assign({ Accept: 'application/json', 'X-CSRF-Token': csrf },
      body ? { 'Content-Type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });

  const data = () => {
    const alerts = {};
    kinds.querySelectorAll('input[type=checkbox]').forEach((c) => { alerts[c.name] = c.checked; });
    return { alerts, policy: document.getElementById('push-policy').value };
  };

  const fill = (s) => {
    kinds.querySelectorAll('input[type=checkbox]').forEach((c) => { c.checked = !!(s.alerts || {})[c.name]; });
    if (s.policy) document.getElementById('push-policy').value = s.policy;
  };

  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window) || !key) {
    say('This browser cannot show notifications from hearth.');
    return;
  }

  let reg = null;

  const start = async () => {
    try {
      reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      box.dataset.worker = 'registered';
    } catch (e) {
      say('This browser refused hearth\'s service worker: ' + e.message);
      return;
    }
    let sub = null;
    try {
      sub = await reg.pushManager.getSubscription();
    } catch (e) {
      sub = null;
    }
    const res = await api('GET');
    if (sub && res.ok) {
      const s = await res.json();
      if (s.endpoint === sub.endpoint) {
        fill(s);
        say('This device is notified.');
        show(true);
        return;
      }
    }
    say(Notification.permission === 'denied'
      ? 'Notifications are blocked for hearth in this browser\'s settings.'
      : 'This device is not notified.');
    show(false);
  };

  on.addEventListener('click', async () => {
    on.disabled = true;
    say('Asking this browser to allow notifications…');
    try {
      const perm = await Notification.requestPermission();
      if (perm !== 'granted') {
        say('Notifications were not allowed in this browser.');
        return;
      }
      let sub = await reg.pushManager.getSubscription();
      if (!sub) {
        /* A browser whose push service is out of reach never answers. */
        sub = await Promise.race([
          reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(key) }),
          new Promise((resolve, reject) => setTimeout(() => reject(new Error(
            'this browser\'s push service did not answer; try again later')), 15000)),
        ]);
      }
      const res = await api('POST', { subscription: sub.toJSON(), data: data() });
      if (!res.ok) throw new Error('hearth answered ' + res.status);
      say('This device is notified.');
      show(true);
      save.focus();
    } catch (e) {
      say('Could not turn notifications on: ' + e.message);
    } finally {
      on.disabled = false;
    }
  });

  save.addEventListener('click', async () => {
    const res = await api('PUT', { data: data() });
    say(res.ok ? 'Saved.' : 'Could not save (' + res.status + ').');
  });

  off.addEventListener('click', async () => {
    try {
      const sub = await reg.pushManager.getSubscription();
      if (sub) await sub.unsubscribe();
    } catch (e) {
      /* the browser's side is gone already */
    }
    const res = await api('DELETE');
    say(res.ok ? 'This device is no longer notified.' : 'Could not stop (' + res.status + ').');
    show(false);
    on.focus();
  });

  start();
})();
