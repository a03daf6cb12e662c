/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The page's data, computed by the publisher (core/site-data.ts); pages never fetch. */
    route: import('../../core/site-data.ts').RouteData
  }
}
