import type { Language } from "./states";

/** The seeded catalog. Codes are stable; names are given in every contract language. */
export type Names = Record<Language, string>;

export const capacityCatalog: readonly { code: string; names: Names; onlineServices: readonly string[] }[] = [
  {
    code: "EMPLOYER_NSSO",
    names: { NL: "Werkgever RSZ", FR: "Employeur ONSS", DE: "Arbeitgeber LSS", EN: "Employer NSSO" },
    onlineServices: ["DIMONA", "DMFA", "DRS", "TEMPORARY_UNEMPLOYMENT", "MAHIS", "CHAMAN", "CONTACTDATA"],
  },
  {
    code: "ENTERPRISE_WITHOUT_STAFF",
    names: {
      NL: "Onderneming zonder personeel",
      FR: "Entreprise sans personnel",
      DE: "Unternehmen ohne Personal",
      EN: "Enterprise without staff",
    },
    onlineServices: ["LIMOSA", "MAHIS", "CHAMAN", "CONTACTDATA"],
  },
  {
    code: "SOCIAL_SERVICE_PROVIDER",
    names: {
      NL: "Sociale dienstverlener",
      FR: "Prestataire de services sociaux",
      DE: "Sozialer Dienstleister",
      EN: "Social service provider",
    },
    onlineServices: ["DIMONA", "DMFA", "DRS", "TEMPORARY_UNEMPLOYMENT", "MAHIS", "CHAMAN", "CONTACTDATA"],
  },
  {
    code: "APPROVED_SOCIAL_SECRETARIAT",
    names: {
      NL: "Erkend sociaal secretariaat",
      FR: "Secrétariat social agréé",
      DE: "Zugelassenes Sozialsekretariat",
      EN: "Approved social secretariat",
    },
    onlineServices: ["DIMONA", "DMFA", "DRS", "TEMPORARY_UNEMPLOYMENT", "MAHIS", "CHAMAN", "CONTACTDATA"],
  },
];

export const onlineServiceCatalog: readonly { code: string; names: Names }[] = [
  { code: "DIMONA", names: { NL: "Dimona", FR: "Dimona", DE: "Dimona", EN: "Dimona" } },
  { code: "DMFA", names: { NL: "DmfA", FR: "DmfA", DE: "DmfA", EN: "DmfA" } },
  {
    code: "DRS",
    names: {
      NL: "DRS (aangifte sociale risico's)",
      FR: "DRS (déclaration des risques sociaux)",
      DE: "DRS (Meldung sozialer Risiken)",
      EN: "DRS (social risk declaration)",
    },
  },
  {
    code: "TEMPORARY_UNEMPLOYMENT",
    names: {
      NL: "Tijdelijke werkloosheid",
      FR: "Chômage temporaire",
      DE: "Zeitweilige Arbeitslosigkeit",
      EN: "Temporary unemployment",
    },
  },
  { code: "MAHIS", names: { NL: "Mahis", FR: "Mahis", DE: "Mahis", EN: "Mahis" } },
  { code: "CHAMAN", names: { NL: "Chaman", FR: "Chaman", DE: "Chaman", EN: "Chaman" } },
  {
    code: "CONTACTDATA",
    names: { NL: "Contactgegevens", FR: "Données de contact", DE: "Kontaktdaten", EN: "Contact data" },
  },
  { code: "LIMOSA", names: { NL: "Limosa", FR: "Limosa", DE: "Limosa", EN: "Limosa" } },
];

/** Capacities whose holders may act as another enterprise's service provider. */
export const providerCapacities: ReadonlySet<string> = new Set(["SOCIAL_SERVICE_PROVIDER", "APPROVED_SOCIAL_SECRETARIAT"]);
