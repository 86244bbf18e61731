import { IS_POST, runnerState } from './state';

// The same bundle serves `main` and `post` (action.yml); the main step leaves a state flag.
// Each step loads only its own code: the post step never loads the engine.
void (runnerState.get(IS_POST) === 'true'
  ? import('./post').then(({ runPost }) => runPost(runnerState))
  : import('./main').then(({ runMain }) => runMain(runnerState)));
