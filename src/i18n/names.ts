import type { Role, Task } from "../domain/roles";
import type { Language } from "../domain/states";

/** A word or label in every language of the portal. */
export type Translated = Record<Language, string>;

/** Roles as the portal names them, written as labels (messages quote them, so no article or case ending is needed). */
export const roleNames = {
  LEGAL_REPRESENTATIVE: {
    EN: "Legal representative",
    NL: "Wettelijk vertegenwoordiger",
    FR: "Représentant légal",
    DE: "Gesetzlicher Vertreter",
  },
  MAIN_ACCESS_MANAGER: {
    EN: "Main access manager",
    NL: "Hoofdtoegangsbeheerder",
    FR: "Gestionnaire d'accès principal",
    DE: "Hauptzugangsverwalter",
  },
  ACCESS_MANAGER: { EN: "Access manager", NL: "Toegangsbeheerder", FR: "Gestionnaire d'accès", DE: "Zugangsverwalter" },
  USER: { EN: "User", NL: "Gebruiker", FR: "Utilisateur", DE: "Benutzer" },
} as const satisfies Record<Role, Translated>;

/** Tasks as the portal's menu would label them. */
export const taskNames = {
  APPOINT_MAIN_ACCESS_MANAGER: {
    EN: "Appoint the main access manager",
    NL: "Hoofdtoegangsbeheerder aanstellen",
    FR: "Désigner le gestionnaire d'accès principal",
    DE: "Hauptzugangsverwalter ernennen",
  },
  APPOINT_SERVICE_PROVIDER: {
    EN: "Appoint a service provider",
    NL: "Dienstverlener aanstellen",
    FR: "Désigner un prestataire de services",
    DE: "Dienstleister ernennen",
  },
  ACTIVATE_EBOX: { EN: "Activate the e-Box", NL: "e-Box activeren", FR: "Activer l'e-Box", DE: "e-Box aktivieren" },
  DELETE_ENTERPRISE_ACCESS: {
    EN: "Delete the enterprise's access",
    NL: "Toegang van de onderneming schrappen",
    FR: "Supprimer l'accès de l'entreprise",
    DE: "Zugang des Unternehmens löschen",
  },
  ACTIVATE_ENTERPRISE_ACCOUNT: {
    EN: "Activate the enterprise's account",
    NL: "Account van de onderneming activeren",
    FR: "Activer le compte de l'entreprise",
    DE: "Konto des Unternehmens aktivieren",
  },
  ACTIVATE_CAPACITY: { EN: "Activate a capacity", NL: "Hoedanigheid activeren", FR: "Activer une qualité", DE: "Eigenschaft aktivieren" },
  MANAGE_USERS: { EN: "Manage users", NL: "Gebruikers beheren", FR: "Gérer les utilisateurs", DE: "Benutzer verwalten" },
  APPOINT_ACCESS_MANAGER: {
    EN: "Appoint an access manager",
    NL: "Toegangsbeheerder aanstellen",
    FR: "Désigner un gestionnaire d'accès",
    DE: "Zugangsverwalter ernennen",
  },
  USE_ONLINE_SERVICES: {
    EN: "Use online services",
    NL: "Onlinediensten gebruiken",
    FR: "Utiliser les services en ligne",
    DE: "Online-Dienste nutzen",
  },
  USE_EBOX: { EN: "Use the e-Box", NL: "e-Box gebruiken", FR: "Utiliser l'e-Box", DE: "e-Box nutzen" },
  CONFIGURE_STRUCTURED_MESSAGES: {
    EN: "Configure structured messages",
    NL: "Gestructureerde berichten configureren",
    FR: "Configurer les messages structurés",
    DE: "Strukturierte Nachrichten konfigurieren",
  },
} as const satisfies Record<Task, Translated>;

/**
 * The input fields a message names, as a form would label them. A field not listed reads as "this value": the
 * error's `extensions.field` still names it exactly.
 */
export const fieldLabels = {
  value: { EN: "This value", NL: "Deze waarde", FR: "Cette valeur", DE: "Dieser Wert" },
  givenName: { EN: "The first name", NL: "De voornaam", FR: "Le prénom", DE: "Der Vorname" },
  familyName: { EN: "The last name", NL: "De familienaam", FR: "Le nom de famille", DE: "Der Nachname" },
  email: { EN: "The e-mail address", NL: "Het e-mailadres", FR: "L'adresse e-mail", DE: "Die E-Mail-Adresse" },
  notificationEmail: {
    EN: "The notification address",
    NL: "Het notificatieadres",
    FR: "L'adresse de notification",
    DE: "Die Benachrichtigungsadresse",
  },
  technicalContactEmail: {
    EN: "The technical contact's e-mail address",
    NL: "Het e-mailadres van het technisch contact",
    FR: "L'adresse e-mail du contact technique",
    DE: "Die E-Mail-Adresse des technischen Kontakts",
  },
  phone: { EN: "The phone number", NL: "Het telefoonnummer", FR: "Le numéro de téléphone", DE: "Die Telefonnummer" },
  reason: { EN: "The reason", NL: "De reden", FR: "Le motif", DE: "Die Begründung" },
  message: { EN: "The message", NL: "Het bericht", FR: "Le message", DE: "Die Nachricht" },
  note: { EN: "The note", NL: "De notitie", FR: "La note", DE: "Die Notiz" },
} as const satisfies Record<string, Translated>;

export type FieldLabel = keyof typeof fieldLabels;

export const isFieldLabel = (label: string): label is FieldLabel => Object.hasOwn(fieldLabels, label);
