/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The page's data, computed by the publisher (core/site-data.ts); pages never fetch. */
    route: import('../../core/site-data.ts').RouteData
    /** HTML of page parts by their inputs, kept by the publisher between renders (Reuse.astro). */
    fragments?: import('../../api/jobs/fragment-cache.ts').FragmentCache
  }
}
