// The app shell: training marker, the misuse warning at start-up, then the screen for the
// session's stage — sign-in, or the RBAC banner over the workspace, the lock screen over a
// hidden workspace, and the idle-timeout dialog. In training, the "Training card reader" panel.
// Features own their screens; the shell only chooses between them.
import { useEffect, useRef, useState } from 'react';
import type { AppInfo } from '../preload/contract';
import { invoke, useAuthState } from './lib/api';
import { focusMainHeading } from './lib/focus';
import { useStickyOffsets } from './lib/sticky-offsets';
import { TrainingMarker } from './components/training-marker';
import { MisuseWarning } from './components/misuse-warning';
import { RbacBanner } from './components/rbac-banner';
import { LockScreen } from './components/lock-screen';
import { TimeoutDialog } from './components/timeout-dialog';
import { LoginFlow } from './features/login';
import { Workspace } from './features/workspace';
import { TrainingCardReader } from './features/training-reader';
import { clearCopiedMedication } from './features/scr/copy-medication';
import './styles/auth.css';

/** How often keyboard/pointer activity is reported to main's idle timer, at most. */
const activityEveryMs = 30_000;

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [accepted, setAccepted] = useState(false);
  const auth = useAuthState();
  const lastActivity = useRef(0);
  const working = auth?.stage === 'role-selected';
  useStickyOffsets();

  // Each screen of the shell opens at the top with focus on its heading (issue 13) — unless the
  // screen put focus in one of its own fields (the passcode box), where the user types next.
  const shellScreen = problem
    ? 'problem'
    : !info || !auth
      ? 'starting'
      : !accepted
        ? 'warning'
        : auth.stage === 'role-selected' && auth.user
          ? `workspace:${auth.user.uuid}`
          : auth.stage === 'locked'
            ? 'locked'
            : `login:${auth.stage === 'authenticating' ? 'card-present' : auth.stage}`;
  useEffect(() => {
    const main = document.getElementById('maincontent');
    const active = document.activeElement;
    if (main && active instanceof HTMLElement && active !== main && main.contains(active)) {
      window.scrollTo(0, 0);
      return;
    }
    focusMainHeading();
  }, [shellScreen]);

  // A copied medication list must not outlive the session on the clipboard (issue 11, HAZ-013).
  const ended = auth !== null && auth.stage !== 'role-selected';
  useEffect(() => {
    if (ended) void clearCopiedMedication();
  }, [ended]);

  useEffect(() => {
    void invoke('app.info', {}).then((result) => {
      if (result.ok) setInfo(result.value);
      else setProblem(result.error.message);
    });
  }, []);

  // The idle timeout counts from the user's last keystroke or click, not from the last Spine call.
  useEffect(() => {
    if (!working) return undefined;
    const onActivity = () => {
      const now = Date.now();
      if (now - lastActivity.current < activityEveryMs) return;
      lastActivity.current = now;
      void invoke('auth.activity', {});
    };
    window.addEventListener('keydown', onActivity, true);
    window.addEventListener('pointerdown', onActivity, true);
    return () => {
      window.removeEventListener('keydown', onActivity, true);
      window.removeEventListener('pointerdown', onActivity, true);
    };
  }, [working]);

  let screen;
  if (problem) {
    screen = (
      <main className="nhsuk-width-container app-page" id="maincontent">
        <div className="nhsuk-error-summary" role="alert">
          <h1 className="nhsuk-error-summary__title">The application cannot start</h1>
          <p>{problem}</p>
        </div>
      </main>
    );
  } else if (!info || !auth) {
    screen = (
      <p className="app-loading" role="status">
        Starting…
      </p>
    );
  } else if (!accepted) {
    screen = <MisuseWarning text={info.misuseWarning} onAccept={() => setAccepted(true)} />;
  } else if ((auth.stage === 'role-selected' || auth.stage === 'locked') && auth.user) {
    const locked = auth.stage === 'locked';
    // Locked: the workspace stays mounted but hidden, so the same user returns to where they were;
    // it is keyed by user, so nothing of one user's screen can ever be shown to another.
    screen = (
      <>
        {locked ? <LockScreen state={auth} /> : <RbacBanner state={auth} />}
        <div hidden={locked} aria-hidden={locked}>
          <Workspace key={auth.user.uuid} state={auth} />
        </div>
        <TimeoutDialog />
      </>
    );
  } else {
    screen = <LoginFlow state={auth} />;
  }

  const training = info?.environment === 'training';
  return (
    <div className={training ? 'app-shell app-shell--training' : 'app-shell'}>
      <a
        className="nhsuk-skip-link app-skip-link"
        href="#maincontent"
        onClick={(event) => {
          // The hash alone scrolls but leaves focus behind; move both.
          event.preventDefault();
          focusMainHeading();
        }}
      >
        Skip to main content
      </a>
      {training ? <TrainingMarker /> : null}
      {screen}
      {training && accepted ? (
        <aside className="app-training-dock">
          <TrainingCardReader />
        </aside>
      ) : null}
    </div>
  );
}
