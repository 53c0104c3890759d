import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { watchActivity } from './stores/activity';
import { startApp } from './stores/appStore';
import './styles/base.css';
import './styles/components.css';
import './styles/layout.css';

startApp();
watchActivity(window);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
