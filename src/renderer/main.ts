import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './components/App.vue';
import './styles.css';

createApp(App).use(createPinia()).mount('#app');
