import { en } from "zod/locales";
import { config } from "zod/mini";

// zod/mini ships no messages by default; English ones make validation errors readable.
config(en());
