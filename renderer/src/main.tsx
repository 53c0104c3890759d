import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { watchActivity } from './stores/activity';
import { startApp } from './stores/appStore';
import { loadPolicy } from './stores/policyStore';
import './styles/base.css';
import './styles/components.css';
import './styles/layout.css';
import './styles/workspace.css';
import './styles/sharing.css';
import './styles/tools.css';

startApp();
void loadPolicy();
watchActivity(window);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
