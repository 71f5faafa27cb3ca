import { createInbox, InboxTimeoutError } from '../src';

it('hands out pushed values in order, whether pushed before or after next()', async () => {
  const inbox = createInbox<number>();
  inbox.push(1);
  const waiting = inbox.next();
  inbox.push(2);
  inbox.push(3);

  expect(await waiting).toBe(1);
  expect(await inbox.take(2)).toEqual([2, 3]);
  expect(inbox.pending).toBe(0);
});

it('rejects with InboxTimeoutError when nothing arrives, and forgets the waiter', async () => {
  const inbox = createInbox<string>();

  await expect(inbox.next(10)).rejects.toBeInstanceOf(InboxTimeoutError);
  inbox.push('late');

  expect(inbox.pending).toBe(1);
  expect(await inbox.next()).toBe('late');
});
