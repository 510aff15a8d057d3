// Starts the GOV.UK Frontend components (error summary focus, character counts, password reveal...).
import { initAll } from "../govuk/govuk-frontend.min.js";
initAll();
