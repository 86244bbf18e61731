import { runMain } from './main';
import { runPost } from './post';
import { IS_POST, runnerState } from './state';

// The same bundle serves `main` and `post` (action.yml); the main step leaves a state flag.
void (runnerState.get(IS_POST) === 'true' ? runPost(runnerState) : runMain(runnerState));
