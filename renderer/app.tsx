// The app shell: training marker, the misuse warning at start-up, then the screen for the
// session's stage. Features own their screens; the shell only chooses between them.
import { useEffect, useState } from 'react';
import type { AppInfo } from '../preload/contract';
import { invoke, useAuthState } from './lib/api';
import { TrainingMarker } from './components/training-marker';
import { MisuseWarning } from './components/misuse-warning';
import { LoginFlow } from './features/login';
import { Workspace } from './features/workspace';

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [accepted, setAccepted] = useState(false);
  const auth = useAuthState();

  useEffect(() => {
    void invoke('app.info', {}).then((result) => {
      if (result.ok) setInfo(result.value);
      else setProblem(result.error.message);
    });
  }, []);

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
  } else if (auth.stage === 'role-selected') {
    screen = <Workspace state={auth} />;
  } else {
    screen = <LoginFlow state={auth} />;
  }

  return (
    <div className={info?.environment === 'training' ? 'app-shell app-shell--training' : 'app-shell'}>
      {info?.environment === 'training' ? <TrainingMarker /> : null}
      {screen}
    </div>
  );
}
