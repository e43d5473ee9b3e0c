/*
 * sw.js: hearth's service worker, served at /sw.js so its scope is the
 * whole site. It shows the Web Push messages hearth sends (docs/api.md,
 * Push): each carries Mastodon's {title, body, icon, notification_id}, and a
 * click opens what the notification is about (its post, or the person), in
 * an open hearth tab if there is one.
 */
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { title: 'hearth', body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(self.registration.showNotification(data.title || 'hearth', {
    body: data.body || '',
    icon: data.icon || undefined,
    tag: data.notification_id ? 'hearth-' + data.notification_id : undefined,
    data: { id: data.notification_id || null },
  }));
});

/* Where a notification leads: its post, else the person, else the list. */
async function target(id) {
  if (!id) return '/notifications';
  try {
    const res = await fetch('/api/v1/notifications/' + encodeURIComponent(id), {
      credentials: 'same-origin', headers: { Accept: 'application/json' },
    });
    if (!res.ok) return '/notifications';
    const n = await res.json();
    const url = (n.status && n.status.url) || (n.account && n.account.url);
    if (url && new URL(url, self.location.origin).origin === self.location.origin) return url;
  } catch (e) {
    /* offline or signed out: the list will say */
  }
  return '/notifications';
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil((async () => {
    const url = await target(event.notification.data && event.notification.data.id);
    const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const c of open) {
      if (new URL(c.url).origin === self.location.origin && 'focus' in c) {
        await c.focus();
        if ('navigate' in c) return c.navigate(url);
        return undefined;
      }
    }
    return self.clients.openWindow(url);
  })());
});
