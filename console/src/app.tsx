/**
 * The console: sign-in, then the pages of the signed-in project under one header, all following
 * the project's change stream.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CatalogFlavor } from '../../src/client/index.js';
import { isUnauthorized } from './api-errors.js';
import type { LiveState } from './live.js';
import { liveEvents } from './live-events.js';
import { AdministrationPage } from './pages/administration.js';
import { CreateInstancePage } from './pages/create-instance.js';
import { InstanceDetailPage } from './pages/instance-detail.js';
import { InstanceListPage } from './pages/instance-list.js';
import { usePageTitle } from './page-title.js';
import { SignInPage } from './pages/sign-in.js';
import { UsagePage } from './pages/usage.js';
import { hrefOf, navigate, useRoute } from './router.js';
import { type ConsoleSession, type ConsoleStart, startConsole } from './session.js';

/** The tab titles of the pages that name themselves; an instance's page takes the instance's name. */
const PAGE_TITLE = { list: 'Instances', create: 'New instance', usage: 'Usage', admin: 'Administration' } as const;

function PageTitle({ page }: { page: string }) {
  usePageTitle(page);
  return null;
}

const LIVE_LABEL: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Refreshing every few seconds',
};

function SignedIn({ session, signOut }: { session: ConsoleSession; signOut(reason?: string): void }) {
  const route = useRoute();
  const [liveState, setLiveState] = useState<LiveState>('connecting');
  const live = useMemo(() => liveEvents(session.session, setLiveState), [session]);
  const [flavors, setFlavors] = useState<ReadonlyMap<string, CatalogFlavor>>(new Map());
  useEffect(() => () => live.close(), [live]);
  useEffect(() => {
    session.client.flavors().then(
      (answer) => setFlavors(new Map(answer.flavors.map((f) => [f.name, f]))),
      () => undefined,
    );
  }, [session]);

  const onFailure = (error: unknown) => {
    if (isUnauthorized(error)) signOut('Your session has ended; sign in again.');
  };

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={hrefOf.list()}>
          demanager
        </a>
        <nav aria-label="Main">
          <a href={hrefOf.list()} aria-current={route.page === 'list' ? 'page' : undefined}>
            Instances
          </a>
          <a href={hrefOf.create()} aria-current={route.page === 'create' ? 'page' : undefined}>
            New instance
          </a>
          <a href={hrefOf.usage()} aria-current={route.page === 'usage' ? 'page' : undefined}>
            Usage
          </a>
          {session.session.isSystemAdmin && (
            <a href={hrefOf.admin()} aria-current={route.page === 'admin' ? 'page' : undefined}>
              Administration
            </a>
          )}
        </nav>
        <span class={`live live-${liveState}`} role="status" data-live={liveState}>
          {LIVE_LABEL[liveState]}
        </span>
        <span class="who">
          {session.session.user.name} · {session.session.projectName}
        </span>
        <button
          type="button"
          onClick={() => {
            // The next person to sign in starts from the list, not from this one's page.
            navigate(hrefOf.list());
            signOut();
          }}
        >
          Sign out
        </button>
      </header>
      {route.page !== 'detail' && <PageTitle page={PAGE_TITLE[route.page]} />}
      <main id="main" tabIndex={-1}>
        {/* Only a system admin signs in without a role (they may, so no one is locked out). */}
        {session.session.roles.length === 0 && (
          <p class="notice no-role">
            You hold no role in {session.session.projectName}, so its instances are closed to you: give yourself one
            under Administration.
          </p>
        )}
        {route.page === 'list' && <InstanceListPage console={session} live={live} onFailure={onFailure} />}
        {route.page === 'create' && <CreateInstancePage console={session} onFailure={onFailure} />}
        {route.page === 'usage' && <UsagePage console={session} live={live} onFailure={onFailure} />}
        {route.page === 'admin' &&
          (session.session.isSystemAdmin ? (
            <AdministrationPage console={session} onFailure={onFailure} />
          ) : (
            <p>
              Only system admins manage users, projects and roles. <a href={hrefOf.list()}>Back to the instances</a>
            </p>
          ))}
        {route.page === 'detail' && (
          <InstanceDetailPage
            key={route.id}
            console={session}
            live={live}
            id={route.id}
            flavorOf={(name) => flavors.get(name)}
            onFailure={onFailure}
          />
        )}
      </main>
    </>
  );
}

export function App() {
  const [start, setStart] = useState<ConsoleStart | null>(null);
  const [session, setSession] = useState<ConsoleSession | null>(null);
  const [reason, setReason] = useState('');
  useEffect(() => {
    startConsole().then(
      (started) => {
        setStart(started);
        setSession(started.signedIn);
      },
      // A server that cannot say: sign in as everywhere (in memory); the sign-in will tell what is wrong.
      () => setStart({ mode: 'memory', signedIn: null }),
    );
  }, []);
  if (!start) return null;
  if (!session) {
    return (
      <>
        <PageTitle page="Sign in" />
        <SignInPage
          mode={start.mode}
          reason={reason}
          onSignedIn={(s) => {
            setReason('');
            setSession(s);
          }}
        />
      </>
    );
  }
  return (
    <SignedIn
      session={session}
      signOut={(why = '') => {
        // Nothing to wait for: whatever the server answers, this page holds no session any more.
        session.end().catch(() => undefined);
        setReason(why);
        setSession(null);
      }}
    />
  );
}
