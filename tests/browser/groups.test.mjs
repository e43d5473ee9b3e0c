// Groups and editing in a real browser, without JavaScript of our own:
// create a group (and see a refused name explained), join one from the
// list, post in it and see the post rendered on the group's page, then
// edit that post and delete it. /groups, a group's page, the edit and the
// delete pages pass axe-core; screenshots at phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn as signInAt, navItem } from './harness.mjs';

let hearth, browser, page, groupUrl, postUrl;
const password = PASSWORD;
const sizes = SIZES;

const signIn = (p, name) => signInAt(p, hearth.url, name);

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace',
    '--password-stdin'], password + '\n');
  hearth.ctl(['user', 'add', 'other', '--display-name', 'Otto Other',
    '--password-stdin'], password + '\n');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  // Otto creates an open group from the form, then signs out.
  await signIn(page, 'other');
  await page.goto(hearth.url + '/groups');
  await page.getByLabel('Name', { exact: true }).fill('Garden club');
  await page.getByLabel('Description').fill('Roses, *weeds* and compost.');
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.waitForURL(/\/groups\/\d+$/);
  groupUrl = page.url();
  await (await navItem(page, 'button', 'Sign out')).click();
  await page.waitForLoadState();
  await signIn(page, 'ada');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

// Axe and a screenshot at both widths.
async function check(name) {
  for (const [size, viewport] of sizes) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `${name} (${size}): no serious a11y issue`);
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(sizes[0][1]);
}

test('open /groups from the navigation and join a group', async () => {
  await page.getByRole('link', { name: 'Groups', exact: true }).click();
  await page.waitForURL(hearth.url + '/groups');
  assert.equal(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent(),
    'Groups');
  assert.match(await page.locator('#mine-title + p').textContent(), /not in any group yet/);
  await check('groups-empty');
  await page.getByRole('button', { name: 'Join Garden club' }).click();
  // hearth.js moves the group in place; without it the page reloads.
  await page.getByRole('button', { name: 'Leave Garden club' }).waitFor();
  const mine = page.locator('section[aria-labelledby="mine-title"]');
  assert.equal(await mine.getByRole('link', { name: 'Garden club' }).count(), 1);
  assert.match(await mine.locator('.group-card').textContent(), /2 members/);
  assert.ok(await mine.getByRole('button', { name: 'Leave Garden club' }).isVisible());
  await check('groups');
});

test('a group without a name is refused, the field says why', async () => {
  await page.getByLabel('Description').fill('kept');
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.waitForLoadState();
  const name = page.getByLabel('Name', { exact: true });
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#group-name-error').textContent(), /name/);
  assert.equal(await page.getByLabel('Description').inputValue(), 'kept');
  assert.deepEqual(await seriousA11yViolations(page), [], 'create error: no serious a11y issue');
});

test('post in the group and see it rendered on the group page', async () => {
  await page.goto(groupUrl);
  assert.equal(await page.locator('h1').textContent(), 'Garden club');
  assert.equal(await page.locator('.group-top .content em').textContent(), 'weeds');
  await page.getByLabel('Your post to Garden club').fill('The **roses** are up');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(groupUrl);
  const post = page.locator('article.post').first();
  assert.equal(await post.locator('.content strong').textContent(), 'roses');
  assert.match(await post.locator('.badge-row').textContent(), /Garden club/);
  const members = page.locator('.member-list');
  assert.match(await members.textContent(), /Otto Other\s*group admin/);
  assert.match(await members.textContent(), /Ada Lovelace/);
  postUrl = hearth.url + await post.locator('a.when').getAttribute('href');
  await check('group');
});

test('edit the post: the form is prefilled, the post says Edited', async () => {
  // Edit and Delete are in the card's "More" menu (issue 20).
  const card = page.locator('article.post').first();
  await card.locator('details.more-menu > summary').click();
  await card.getByRole('link', { name: 'Edit', exact: true }).click();
  await page.waitForURL(postUrl + '/edit');
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(),
    'The **roses** are up');
  await check('edit');
  await page.getByLabel('Text', { exact: true }).fill('The *tulips* are up');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(postUrl);
  const post = page.locator('section[aria-label="The post"] article.post');
  assert.equal(await post.locator('.content em').textContent(), 'tulips');
  assert.match(await post.locator('.edited').textContent(), /Edited/);
  assert.ok(await post.locator('.edited time').getAttribute('title'), 'exact time on hover');
});

test('delete the post after confirming', async () => {
  const focus = page.locator('section[aria-label="The post"] article.post');
  await focus.locator('details.more-menu > summary').click();
  await focus.getByRole('link', { name: 'Delete', exact: true }).click();
  await page.waitForURL(postUrl + '/delete');
  assert.equal(await page.locator('h1').textContent(), 'Delete this post?');
  await check('delete');
  await page.getByRole('button', { name: 'Delete post' }).click();
  await page.waitForURL(hearth.url + '/@ada?notice=deleted');
  assert.equal(await page.locator('p.notice[role=status]').textContent(), 'Your post was deleted.');
  await page.goto(groupUrl);
  assert.equal(await page.locator('article.post').count(), 0);
});

test('a group admin adds a member and makes them an admin', async () => {
  await page.goto(hearth.url + '/groups');
  await page.getByLabel('Name', { exact: true }).fill('Board');
  await page.getByRole('radio', { name: /Private/ }).check();
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.waitForURL(/\/groups\/\d+$/);
  await page.getByRole('link', { name: 'Manage members' }).click();
  await page.waitForURL(/\/groups\/\d+\/members$/);
  await page.getByLabel('Username of the person to add').fill('nobody');
  await page.getByRole('button', { name: 'Add member' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#add-username-error').textContent(), /nobody/);
  await page.getByLabel('Username of the person to add').fill('other');
  await page.getByRole('button', { name: 'Add member' }).click();
  await page.waitForURL(/\/groups\/\d+\/members$/);
  await page.getByRole('button', { name: /^Make group admin\W+Otto Other$/ }).click();
  await page.waitForURL(/\/groups\/\d+\/members$/);
  assert.match(await page.locator('.member-list').textContent(), /Otto Other\s*@other\s*group admin/);
  await check('group-admin');
  await page.getByLabel('Find a member by name').fill('otto');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.waitForURL(/\/members\?q=otto$/);
  assert.equal(await page.locator('.member-list .member').count(), 1);
  await check('group-members-search');
});
