import type { Role, Task } from "../domain/roles";
import { capacityCatalog, onlineServiceCatalog } from "../domain/catalog-data";
import type { Language } from "../domain/states";
import { fieldLabels, isFieldLabel, roleNames, taskNames, type FieldLabel, type Translated } from "./names";

/**
 * Every text the gateway shows a person, by a stable dotted key, in each language of the portal. `{name}` is a
 * parameter: the same ones in every language (test/messages.test.ts checks), typed by their name (`ParamTypes`).
 * Wording: the portal's own vocabulary, roles, tasks and capacities by their names (never their codes), no GraphQL.
 * A new error adds its key here; the error classes of src/errors.ts take nothing else.
 */
export const messages = {
  "auth.tokenMissing": {
    EN: "Sign in first: a valid bearer token is required",
    NL: "Meld u eerst aan: een geldig toegangstoken is vereist",
    FR: "Connectez-vous d'abord : un jeton d'accès valide est requis",
    DE: "Melden Sie sich zuerst an: Ein gültiges Zugriffstoken ist erforderlich",
  },
  "auth.tokenExpired": {
    EN: "The bearer token has expired",
    NL: "Uw toegangstoken is verlopen: meld u opnieuw aan",
    FR: "Votre jeton d'accès a expiré : reconnectez-vous",
    DE: "Ihr Zugriffstoken ist abgelaufen: Melden Sie sich erneut an",
  },
  "auth.tokenWithoutExpiry": {
    EN: "The bearer token has no expiry (exp): tokens that never expire are refused",
    NL: "Het toegangstoken heeft geen vervaldatum (exp): tokens die nooit verlopen, worden geweigerd",
    FR: "Le jeton d'accès n'a pas de date d'expiration (exp) : les jetons qui n'expirent jamais sont refusés",
    DE: "Das Zugriffstoken hat kein Ablaufdatum (exp): Tokens, die nie ablaufen, werden abgelehnt",
  },
  "auth.tokenInvalid": {
    EN: "The bearer token is not valid",
    NL: "Het toegangstoken is niet geldig: meld u opnieuw aan",
    FR: "Le jeton d'accès n'est pas valide : reconnectez-vous",
    DE: "Das Zugriffstoken ist ungültig: Melden Sie sich erneut an",
  },
  "auth.devTokenOfAnotherDatabase": {
    EN: "Development token of another database: get one from this gateway (npm run token, or Act as in the playground)",
    NL: "Ontwikkelingstoken van een andere databank: vraag er een aan bij deze gateway (npm run token, of Act as in de playground)",
    FR: "Jeton de développement d'une autre base de données : obtenez-en un de cette passerelle (npm run token, ou Act as dans le playground)",
    DE: "Entwicklungstoken einer anderen Datenbank: Holen Sie eines von diesem Gateway (npm run token oder Act as im Playground)",
  },
  "auth.subjectInvalid": {
    EN: "The bearer token's subject is not a valid national number",
    NL: "Het toegangstoken hoort niet bij een geldig rijksregisternummer",
    FR: "Le jeton d'accès ne désigne pas un numéro de registre national valide",
    DE: "Das Zugriffstoken enthält keine gültige Nationalregisternummer",
  },
  "auth.headerMalformed": {
    EN: "The Authorization header must be: Bearer <token>",
    NL: "De Authorization-header moet de vorm Bearer <token> hebben",
    FR: "L'en-tête Authorization doit avoir la forme Bearer <token>",
    DE: "Der Authorization-Header muss die Form Bearer <token> haben",
  },
  "auth.registrationNeedsToken": {
    EN: "Registering a persisted query needs a bearer token; send the document without extensions.persistedQuery",
    NL: "Een persisted query registreren vereist een toegangstoken; stuur het document zonder extensions.persistedQuery",
    FR: "L'enregistrement d'une requête persistée exige un jeton d'accès ; envoyez le document sans extensions.persistedQuery",
    DE: "Das Registrieren einer gespeicherten Abfrage erfordert ein Zugriffstoken; senden Sie das Dokument ohne extensions.persistedQuery",
  },

  "decision.grantedByRole": {
    EN: "Allowed: one of your roles includes the task “{task}”.",
    NL: "Toegestaan: een van uw rollen omvat de taak ‘{task}’.",
    FR: "Autorisé : l'un de vos rôles comprend la tâche « {task} ».",
    DE: "Erlaubt: Eine Ihrer Rollen umfasst die Aufgabe „{task}“.",
  },
  "decision.grantedByMandate": {
    EN: "Allowed through a service-provider mandate: your role at the service provider includes the task “{task}”.",
    NL: "Toegestaan via een mandaat als dienstverlener: uw rol bij de dienstverlener omvat de taak ‘{task}’.",
    FR: "Autorisé par un mandat de prestataire de services : votre rôle chez le prestataire comprend la tâche « {task} ».",
    DE: "Erlaubt über ein Dienstleistermandat: Ihre Rolle beim Dienstleister umfasst die Aufgabe „{task}“.",
  },
  "decision.notAuthenticated": {
    EN: "Sign in first.",
    NL: "Meld u eerst aan.",
    FR: "Connectez-vous d'abord.",
    DE: "Melden Sie sich zuerst an.",
  },
  "decision.noRoleInEnterprise": {
    EN: "You hold no role in this enterprise.",
    NL: "U hebt geen rol in deze onderneming.",
    FR: "Vous n'avez aucun rôle dans cette entreprise.",
    DE: "Sie haben keine Rolle in diesem Unternehmen.",
  },
  "decision.roleLacksTask": {
    EN: "None of your roles in this enterprise includes the task “{task}”.",
    NL: "Geen van uw rollen in deze onderneming omvat de taak ‘{task}’.",
    FR: "Aucun de vos rôles dans cette entreprise ne comprend la tâche « {task} ».",
    DE: "Keine Ihrer Rollen in diesem Unternehmen umfasst die Aufgabe „{task}“.",
  },
  "decision.capacityNotActive": {
    EN: "The capacity is not active for this enterprise.",
    NL: "Deze hoedanigheid is niet actief voor deze onderneming.",
    FR: "Cette qualité n'est pas active pour cette entreprise.",
    DE: "Diese Eigenschaft ist für dieses Unternehmen nicht aktiv.",
  },
  "decision.enterpriseNotActive": {
    EN: "The enterprise's account is not active yet.",
    NL: "Het account van de onderneming is nog niet geactiveerd.",
    FR: "Le compte de l'entreprise n'est pas encore activé.",
    DE: "Das Konto des Unternehmens ist noch nicht aktiviert.",
  },
  "decision.enterpriseAccessDeleted": {
    EN: "The enterprise's access has been deleted.",
    NL: "De toegang van de onderneming is geschrapt.",
    FR: "L'accès de l'entreprise a été supprimé.",
    DE: "Der Zugang des Unternehmens wurde gelöscht.",
  },
  "decision.eBoxNotActivated": {
    EN: "The enterprise's e-Box is not activated.",
    NL: "De e-Box van de onderneming is niet geactiveerd.",
    FR: "L'e-Box de l'entreprise n'est pas activée.",
    DE: "Die e-Box des Unternehmens ist nicht aktiviert.",
  },
  "decision.onlineServiceNotGranted": {
    EN: "The online service is not granted to you for this enterprise.",
    NL: "Deze onlinedienst is u niet toegekend voor deze onderneming.",
    FR: "Ce service en ligne ne vous est pas attribué pour cette entreprise.",
    DE: "Dieser Online-Dienst ist Ihnen für dieses Unternehmen nicht zugewiesen.",
  },

  "decision.notHistoryReader": {
    EN: "Only the enterprise's legal representatives and main access manager may ask what was true at a past instant.",
    NL: "Alleen de wettelijk vertegenwoordigers en de hoofdtoegangsbeheerder van de onderneming mogen vragen wat op een vroeger tijdstip gold.",
    FR: "Seuls les représentants légaux et le gestionnaire d'accès principal de l'entreprise peuvent demander ce qui valait à un instant passé.",
    DE: "Nur die gesetzlichen Vertreter und der Hauptzugangsverwalter des Unternehmens dürfen fragen, was zu einem früheren Zeitpunkt galt.",
  },

  "forbidden.capacityNotActive": {
    EN: "The capacity “{capacity}” is not active for this enterprise",
    NL: "De hoedanigheid ‘{capacity}’ is niet actief voor deze onderneming",
    FR: "La qualité « {capacity} » n'est pas active pour cette entreprise",
    DE: "Die Eigenschaft „{capacity}“ ist für dieses Unternehmen nicht aktiv",
  },
  "forbidden.accessReviewItem": {
    EN: "You may not decide this item of the access review: no one reviews their own role, and access managers are reviewed by the main access manager",
    NL: "U mag niet beslissen over dit element van de toegangsreview: niemand beoordeelt zijn eigen rol, en toegangsbeheerders worden beoordeeld door de hoofdtoegangsbeheerder",
    FR: "Vous ne pouvez pas trancher cet élément de la revue des accès : personne ne révise son propre rôle, et les gestionnaires d'accès sont révisés par le gestionnaire d'accès principal",
    DE: "Sie dürfen über diesen Eintrag der Zugriffsüberprüfung nicht entscheiden: Niemand überprüft seine eigene Rolle, und Zugangsverwalter werden vom Hauptzugangsverwalter überprüft",
  },
  "forbidden.auditTrail": {
    EN: "Only a legal representative or the main access manager may read the audit trail",
    NL: "Alleen een wettelijk vertegenwoordiger of de hoofdtoegangsbeheerder mag het auditspoor inkijken",
    FR: "Seuls un représentant légal ou le gestionnaire d'accès principal peuvent consulter la piste d'audit",
    DE: "Nur ein gesetzlicher Vertreter oder der Hauptzugangsverwalter darf das Prüfprotokoll einsehen",
  },
  "forbidden.expiringRights": {
    EN: "Only a legal representative, the main access manager or an access manager may see which rights expire",
    NL: "Alleen een wettelijk vertegenwoordiger, de hoofdtoegangsbeheerder of een toegangsbeheerder mag zien welke rechten aflopen",
    FR: "Seuls un représentant légal, le gestionnaire d'accès principal ou un gestionnaire d'accès peuvent voir quels droits expirent",
    DE: "Nur ein gesetzlicher Vertreter, der Hauptzugangsverwalter oder ein Zugangsverwalter darf sehen, welche Rechte ablaufen",
  },
  "forbidden.accessRequests": {
    EN: "Only the main access manager or an access manager may see the access requests they decide",
    NL: "Alleen de hoofdtoegangsbeheerder of een toegangsbeheerder mag de toegangsaanvragen zien waarover die beslist",
    FR: "Seuls le gestionnaire d'accès principal ou un gestionnaire d'accès peuvent voir les demandes d'accès sur lesquelles ils décident",
    DE: "Nur der Hauptzugangsverwalter oder ein Zugangsverwalter darf die Zugangsanträge sehen, über die er entscheidet",
  },
  "forbidden.notAllowed": {
    EN: "You are not allowed to do this",
    NL: "U mag dit niet doen",
    FR: "Vous n'êtes pas autorisé à effectuer cette action",
    DE: "Sie dürfen diese Aktion nicht ausführen",
  },

  "input.unknownCapacity": {
    EN: "Unknown capacity “{value}”",
    NL: "Onbekende hoedanigheid ‘{value}’",
    FR: "Qualité inconnue : « {value} »",
    DE: "Unbekannte Eigenschaft „{value}“",
  },
  "input.unknownOnlineService": {
    EN: "Unknown online service “{value}”",
    NL: "Onbekende onlinedienst ‘{value}’",
    FR: "Service en ligne inconnu : « {value} »",
    DE: "Unbekannter Online-Dienst „{value}“",
  },
  "input.servicesOutsideCapacity": {
    EN: "These online services are not offered in the capacity “{capacity}”: {onlineServices}",
    NL: "Deze onlinediensten horen niet bij de hoedanigheid ‘{capacity}’: {onlineServices}",
    FR: "Ces services en ligne ne font pas partie de la qualité « {capacity} » : {onlineServices}",
    DE: "Diese Online-Dienste gehören nicht zur Eigenschaft „{capacity}“: {onlineServices}",
  },
  "input.cursor": {
    EN: "The cursor is not one this API returned",
    NL: "Deze cursor komt niet van deze API",
    FR: "Ce curseur n'a pas été renvoyé par cette API",
    DE: "Dieser Cursor stammt nicht von dieser API",
  },
  "sync.tokenExpired": {
    EN: "This sync token can no longer be used: start over with a full sync",
    NL: "Dit synchronisatietoken is niet meer bruikbaar: begin opnieuw met een volledige synchronisatie",
    FR: "Ce jeton de synchronisation n'est plus utilisable : recommencez par une synchronisation complète",
    DE: "Dieses Synchronisierungstoken ist nicht mehr gültig: beginnen Sie neu mit einer vollständigen Synchronisierung",
  },
  "input.deltaEnterprises": {
    EN: "Name at most {max} enterprises, the same ones as when the sync started",
    NL: "Noem hoogstens {max} ondernemingen, dezelfde als bij het begin van de synchronisatie",
    FR: "Indiquez au plus {max} entreprises, les mêmes qu'au début de la synchronisation",
    DE: "Nennen Sie höchstens {max} Unternehmen, dieselben wie zu Beginn der Synchronisierung",
  },
  "input.cursorOrder": {
    EN: "The cursor marks a place in another order of the list: page with the orderBy that returned it",
    NL: "De cursor hoort bij een andere volgorde van de lijst: blader met de orderBy waarmee hij terugkwam",
    FR: "Le curseur appartient à un autre ordre de la liste : paginez avec l'orderBy qui l'a renvoyé",
    DE: "Der Cursor gehört zu einer anderen Reihenfolge der Liste: blättern Sie mit dem orderBy, das ihn geliefert hat",
  },
  "input.search": {
    EN: "Search for at least one letter or digit, at most {max} characters",
    NL: "Zoek op minstens één letter of cijfer, hoogstens {max} tekens",
    FR: "Recherchez au moins une lettre ou un chiffre, au plus {max} caractères",
    DE: "Suchen Sie nach mindestens einem Buchstaben oder einer Ziffer, höchstens {max} Zeichen",
  },
  "input.notWithAsOf": {
    EN: "This filter or order applies to the current list: leave it out with asOf",
    NL: "Deze filter of volgorde geldt voor de huidige lijst: laat hem weg met asOf",
    FR: "Ce filtre ou cet ordre s'applique à la liste actuelle : omettez-le avec asOf",
    DE: "Dieser Filter oder diese Reihenfolge gilt für die aktuelle Liste: lassen Sie ihn mit asOf weg",
  },
  "input.pageSize": {
    EN: "A page holds between 0 and {max} items",
    NL: "Een pagina bevat tussen 0 en {max} elementen",
    FR: "Une page contient entre 0 et {max} éléments",
    DE: "Eine Seite enthält zwischen 0 und {max} Einträge",
  },
  "input.firstWithLast": {
    EN: "Ask for the first items or for the last ones, not both at once",
    NL: "Vraag de eerste elementen of de laatste, niet beide tegelijk",
    FR: "Demandez les premiers éléments ou les derniers, pas les deux à la fois",
    DE: "Fragen Sie die ersten Einträge oder die letzten ab, nicht beide zugleich",
  },
  "input.tooManyIds": {
    EN: "At most {max} identifiers can be asked at once",
    NL: "Er kunnen hoogstens {max} identificaties tegelijk gevraagd worden",
    FR: "Au plus {max} identifiants peuvent être demandés à la fois",
    DE: "Höchstens {max} Kennungen können auf einmal abgefragt werden",
  },
  "input.bulkItemCount": {
    EN: "A list of {count} items: send from 1 to {max} at a time",
    NL: "Een lijst van {count} elementen: stuur er telkens 1 tot {max}",
    FR: "Une liste de {count} éléments : envoyez-en de 1 à {max} à la fois",
    DE: "Eine Liste mit {count} Einträgen: senden Sie jeweils 1 bis {max}",
  },
  "input.duplicatePerson": {
    EN: "This person is already in the list, at index {first}",
    NL: "Deze persoon staat al in de lijst, op index {first}",
    FR: "Cette personne figure déjà dans la liste, à l'index {first}",
    DE: "Diese Person steht bereits in der Liste, an Index {first}",
  },
  "input.duplicateAssignment": {
    EN: "This user is already in the list, at index {first}",
    NL: "Deze gebruiker staat al in de lijst, op index {first}",
    FR: "Cet utilisateur figure déjà dans la liste, à l'index {first}",
    DE: "Dieser Benutzer steht bereits in der Liste, an Index {first}",
  },
  "input.invalidId": {
    EN: "This is not a valid identifier",
    NL: "Dit is geen geldige identificatie",
    FR: "Ceci n'est pas un identifiant valide",
    DE: "Dies ist keine gültige Kennung",
  },
  "input.ownServiceProvider": {
    EN: "An enterprise cannot be its own service provider",
    NL: "Een onderneming kan niet haar eigen dienstverlener zijn",
    FR: "Une entreprise ne peut pas être son propre prestataire de services",
    DE: "Ein Unternehmen kann nicht sein eigener Dienstleister sein",
  },
  "input.noCapacities": {
    EN: "Name at least one capacity, or leave the list out to review every capacity",
    NL: "Noem minstens één hoedanigheid, of laat de lijst weg om alle hoedanigheden te beoordelen",
    FR: "Indiquez au moins une qualité, ou omettez la liste pour réviser toutes les qualités",
    DE: "Nennen Sie mindestens eine Eigenschaft, oder lassen Sie die Liste weg, um alle Eigenschaften zu überprüfen",
  },
  "input.validUntilInvalid": {
    EN: "The end date is not a valid date and time",
    NL: "De einddatum is geen geldige datum en tijd",
    FR: "La date de fin n'est pas une date et une heure valides",
    DE: "Das Enddatum ist kein gültiges Datum mit Uhrzeit",
  },
  "input.validUntilPast": {
    EN: "The end date must lie in the future",
    NL: "De einddatum moet in de toekomst liggen",
    FR: "La date de fin doit se situer dans le futur",
    DE: "Das Enddatum muss in der Zukunft liegen",
  },
  "input.validUntilTooFar": {
    EN: "The end date may lie at most {years} years ahead",
    NL: "De einddatum mag hoogstens {years} jaar in de toekomst liggen",
    FR: "La date de fin peut se situer au plus {years} ans dans le futur",
    DE: "Das Enddatum darf höchstens {years} Jahre in der Zukunft liegen",
  },
  "input.expiringWithin": {
    EN: "The period must be a number of days from 1 to 366",
    NL: "De periode moet een aantal dagen van 1 tot 366 zijn",
    FR: "La période doit être un nombre de jours de 1 à 366",
    DE: "Der Zeitraum muss eine Anzahl von Tagen zwischen 1 und 366 sein",
  },
  "input.asOfInvalid": {
    EN: "The instant asked about is not a valid date and time",
    NL: "Het gevraagde tijdstip is geen geldige datum en tijd",
    FR: "L'instant demandé n'est pas une date et une heure valides",
    DE: "Der erfragte Zeitpunkt ist kein gültiges Datum mit Uhrzeit",
  },
  "input.asOfFuture": {
    EN: "The instant asked about lies in the future: ask about an instant up to now",
    NL: "Het gevraagde tijdstip ligt in de toekomst: vraag naar een tijdstip tot nu",
    FR: "L'instant demandé se situe dans le futur : demandez un instant jusqu'à maintenant",
    DE: "Der erfragte Zeitpunkt liegt in der Zukunft: Fragen Sie nach einem Zeitpunkt bis jetzt",
  },
  "input.asOfBeforeRecords": {
    EN: "The records of this enterprise begin at {start}: ask about an instant from then on",
    NL: "De gegevens van deze onderneming beginnen op {start}: vraag naar een tijdstip vanaf dan",
    FR: "Les données de cette entreprise commencent le {start} : demandez un instant à partir de ce moment",
    DE: "Die Aufzeichnungen dieses Unternehmens beginnen am {start}: Fragen Sie nach einem Zeitpunkt ab dann",
  },
  "input.asOfNoHistory": {
    EN: "No history is kept of this enterprise",
    NL: "Van deze onderneming wordt geen historiek bijgehouden",
    FR: "Aucun historique n'est conservé pour cette entreprise",
    DE: "Für dieses Unternehmen wird kein Verlauf geführt",
  },
  "input.dryRunNotLast": {
    EN: "A dry run must be the last change of its request",
    NL: "Een simulatie moet de laatste wijziging van de aanvraag zijn",
    FR: "Une simulation doit être la dernière modification de la requête",
    DE: "Ein Probelauf muss die letzte Änderung der Anfrage sein",
  },
  "input.dryRunInBatch": {
    EN: "A dry run must be sent alone, not in a batch of several operations",
    NL: "Een simulatie moet alleen verstuurd worden, niet in een reeks van meerdere bewerkingen",
    FR: "Une simulation doit être envoyée seule, pas dans un lot de plusieurs opérations",
    DE: "Ein Probelauf muss allein gesendet werden, nicht in einem Stapel mehrerer Operationen",
  },
  "input.consistencyToken": {
    EN: "This consistency token was not given by the gateway: send back the token of an answer unchanged, or none",
    NL: "Dit consistentietoken komt niet van de gateway: stuur het token van een antwoord ongewijzigd terug, of geen",
    FR: "Ce jeton de cohérence ne vient pas de la passerelle : renvoyez tel quel le jeton d'une réponse, ou aucun",
    DE: "Dieses Konsistenz-Token stammt nicht vom Gateway: Senden Sie das Token einer Antwort unverändert zurück oder keines",
  },
  "input.idempotencyKey": {
    EN: "The Idempotency-Key header must be 1 to 255 printable ASCII characters",
    NL: "De header Idempotency-Key moet 1 tot 255 afdrukbare ASCII-tekens bevatten",
    FR: "L'en-tête Idempotency-Key doit compter de 1 à 255 caractères ASCII imprimables",
    DE: "Der Header Idempotency-Key muss 1 bis 255 druckbare ASCII-Zeichen enthalten",
  },
  "input.idempotencyKeyInBatch": {
    EN: "An Idempotency-Key names one request: send each change of a batch as a request of its own, with its own key",
    NL: "Een Idempotency-Key hoort bij één aanvraag: verstuur elke wijziging van een reeks als eigen aanvraag, met een eigen sleutel",
    FR: "Une Idempotency-Key désigne une seule requête : envoyez chaque modification d'un lot comme requête distincte, avec sa propre clé",
    DE: "Ein Idempotency-Key bezeichnet eine Anfrage: Senden Sie jede Änderung eines Stapels als eigene Anfrage mit eigenem Schlüssel",
  },
  "input.idempotencyKeyOneChange": {
    EN: "A request with an Idempotency-Key makes one change: send each change as a request of its own, with its own key",
    NL: "Een aanvraag met een Idempotency-Key doet één wijziging: verstuur elke wijziging als eigen aanvraag, met een eigen sleutel",
    FR: "Une requête avec une Idempotency-Key effectue une seule modification : envoyez chaque modification séparément, avec sa propre clé",
    DE: "Eine Anfrage mit einem Idempotency-Key nimmt eine Änderung vor: Senden Sie jede Änderung als eigene Anfrage mit eigenem Schlüssel",
  },
  "input.persistedQueryTooLarge": {
    EN: "A persisted query may be at most {max} bytes; send a larger document without extensions.persistedQuery",
    NL: "Een persisted query mag hoogstens {max} bytes groot zijn; stuur een groter document zonder extensions.persistedQuery",
    FR: "Une requête persistée fait au plus {max} octets ; envoyez un document plus grand sans extensions.persistedQuery",
    DE: "Eine gespeicherte Abfrage darf höchstens {max} Bytes groß sein; senden Sie ein größeres Dokument ohne extensions.persistedQuery",
  },

  "check.dateTime.invalid": {
    EN: "This is not a valid date and time (ISO 8601, e.g. 2027-03-01T00:00:00Z)",
    NL: "Dit is geen geldige datum en tijd (ISO 8601, bv. 2027-03-01T00:00:00Z)",
    FR: "Ceci n'est pas une date et une heure valides (ISO 8601, p. ex. 2027-03-01T00:00:00Z)",
    DE: "Dies ist kein gültiges Datum mit Uhrzeit (ISO 8601, z. B. 2027-03-01T00:00:00Z)",
  },
  "check.enterpriseNumber.notText": {
    EN: "An enterprise number must be given as text",
    NL: "Een ondernemingsnummer moet als tekst worden opgegeven",
    FR: "Un numéro d'entreprise doit être donné sous forme de texte",
    DE: "Eine Unternehmensnummer muss als Text angegeben werden",
  },
  "check.enterpriseNumber.format": {
    EN: "An enterprise number has 10 digits and starts with 0 or 1",
    NL: "Een ondernemingsnummer heeft 10 cijfers en begint met 0 of 1",
    FR: "Un numéro d'entreprise compte 10 chiffres et commence par 0 ou 1",
    DE: "Eine Unternehmensnummer hat 10 Ziffern und beginnt mit 0 oder 1",
  },
  "check.enterpriseNumber.checkDigits": {
    EN: "The check digits of the enterprise number do not match",
    NL: "De controlecijfers van het ondernemingsnummer kloppen niet",
    FR: "Les chiffres de contrôle du numéro d'entreprise ne correspondent pas",
    DE: "Die Prüfziffern der Unternehmensnummer stimmen nicht",
  },
  "check.ssin.notText": {
    EN: "A national number must be given as text",
    NL: "Een rijksregisternummer moet als tekst worden opgegeven",
    FR: "Un numéro de registre national doit être donné sous forme de texte",
    DE: "Eine Nationalregisternummer muss als Text angegeben werden",
  },
  "check.ssin.format": {
    EN: "A national number has 11 digits",
    NL: "Een rijksregisternummer heeft 11 cijfers",
    FR: "Un numéro de registre national compte 11 chiffres",
    DE: "Eine Nationalregisternummer hat 11 Ziffern",
  },
  "check.ssin.checkDigits": {
    EN: "The check digits of the national number do not match",
    NL: "De controlecijfers van het rijksregisternummer kloppen niet",
    FR: "Les chiffres de contrôle du numéro de registre national ne correspondent pas",
    DE: "Die Prüfziffern der Nationalregisternummer stimmen nicht",
  },
  "check.text.empty": {
    EN: "{label} must not be empty",
    NL: "{label} mag niet leeg zijn",
    FR: "{label} ne peut pas être vide",
    DE: "{label} darf nicht leer sein",
  },
  "check.text.tooLong": {
    EN: "{label} must be at most {max} characters",
    NL: "{label} mag hoogstens {max} tekens bevatten",
    FR: "{label} ne peut pas dépasser {max} caractères",
    DE: "{label} darf höchstens {max} Zeichen lang sein",
  },
  "check.text.controlCharacters": {
    EN: "{label} must not contain control characters",
    NL: "{label} mag geen stuurtekens bevatten",
    FR: "{label} ne peut pas contenir de caractères de contrôle",
    DE: "{label} darf keine Steuerzeichen enthalten",
  },
  "check.text.bidiControls": {
    EN: "{label} must not contain bidirectional control characters",
    NL: "{label} mag geen tekens bevatten die de schrijfrichting wijzigen",
    FR: "{label} ne peut pas contenir de caractères de contrôle bidirectionnels",
    DE: "{label} darf keine Steuerzeichen für die Schreibrichtung enthalten",
  },
  "check.text.invalidUnicode": {
    EN: "{label} must be valid Unicode text",
    NL: "{label} moet geldige Unicode-tekst zijn",
    FR: "{label} doit être un texte Unicode valide",
    DE: "{label} muss gültiger Unicode-Text sein",
  },
  "check.text.invisible": {
    EN: "{label} must not be only invisible characters",
    NL: "{label} mag niet uit alleen onzichtbare tekens bestaan",
    FR: "{label} ne peut pas se composer uniquement de caractères invisibles",
    DE: "{label} darf nicht nur aus unsichtbaren Zeichen bestehen",
  },
  "check.email.invalid": {
    EN: "{label} is not valid: expected an address such as name@example.be",
    NL: "{label} is niet geldig: verwacht wordt een adres zoals naam@voorbeeld.be",
    FR: "{label} n'est pas valide : une adresse telle que nom@exemple.be est attendue",
    DE: "{label} ist ungültig: Erwartet wird eine Adresse wie name@beispiel.be",
  },
  "check.phone.invalid": {
    EN: "{label} is not valid: use digits, spaces and an optional leading +",
    NL: "{label} is niet geldig: gebruik cijfers, spaties en eventueel een + vooraan",
    FR: "{label} n'est pas valide : utilisez des chiffres, des espaces et éventuellement un + au début",
    DE: "{label} ist ungültig: Verwenden Sie Ziffern, Leerzeichen und optional ein vorangestelltes +",
  },

  "notFound.enterprise": {
    EN: "No enterprise with this number is known",
    NL: "Er is geen onderneming met dit nummer bekend",
    FR: "Aucune entreprise n'est connue sous ce numéro",
    DE: "Unter dieser Nummer ist kein Unternehmen bekannt",
  },
  "notFound.enterpriseNotVisible": {
    EN: "No enterprise with this number is visible to you",
    NL: "U ziet geen onderneming met dit nummer",
    FR: "Aucune entreprise portant ce numéro ne vous est visible",
    DE: "Für Sie ist kein Unternehmen mit dieser Nummer sichtbar",
  },
  "notFound.accessManager": {
    EN: "No access manager with this identifier",
    NL: "Er is geen toegangsbeheerder met deze identificatie",
    FR: "Aucun gestionnaire d'accès ne porte cet identifiant",
    DE: "Es gibt keinen Zugangsverwalter mit dieser Kennung",
  },
  "notFound.user": {
    EN: "No user with this identifier",
    NL: "Er is geen gebruiker met deze identificatie",
    FR: "Aucun utilisateur ne porte cet identifiant",
    DE: "Es gibt keinen Benutzer mit dieser Kennung",
  },
  "notFound.roleAssignment": {
    EN: "No role with this identifier",
    NL: "Er is geen rol met deze identificatie",
    FR: "Aucun rôle ne porte cet identifiant",
    DE: "Es gibt keine Rolle mit dieser Kennung",
  },
  "notFound.accessReview": {
    EN: "No access review with this identifier",
    NL: "Er is geen toegangsreview met deze identificatie",
    FR: "Aucune revue des accès ne porte cet identifiant",
    DE: "Es gibt keine Zugriffsüberprüfung mit dieser Kennung",
  },
  "notFound.accessReviewItem": {
    EN: "No item of an access review with this identifier",
    NL: "Er is geen element van een toegangsreview met deze identificatie",
    FR: "Aucun élément d'une revue des accès ne porte cet identifiant",
    DE: "Es gibt keinen Eintrag einer Zugriffsüberprüfung mit dieser Kennung",
  },
  "notFound.mandate": {
    EN: "No service-provider mandate with this identifier",
    NL: "Er is geen mandaat van een dienstverlener met deze identificatie",
    FR: "Aucun mandat de prestataire de services ne porte cet identifiant",
    DE: "Es gibt kein Dienstleistermandat mit dieser Kennung",
  },
  "notFound.accessRequest": {
    EN: "No access request with this identifier",
    NL: "Er is geen toegangsaanvraag met deze identificatie",
    FR: "Aucune demande d'accès ne porte cet identifiant",
    DE: "Es gibt keinen Zugangsantrag mit dieser Kennung",
  },
  "notFound.eBoxMessage": {
    EN: "No message with this identifier in the enterprise's e-Box",
    NL: "Er is geen bericht met deze identificatie in de e-Box van de onderneming",
    FR: "Aucun message ne porte cet identifiant dans l'e-Box de l'entreprise",
    DE: "Keine Nachricht mit dieser Kennung in der e-Box des Unternehmens",
  },

  "conflict.accessManagerEnded": {
    EN: "This access manager's appointment has already ended",
    NL: "De aanstelling van deze toegangsbeheerder is al beëindigd",
    FR: "La désignation de ce gestionnaire d'accès a déjà pris fin",
    DE: "Die Ernennung dieses Zugangsverwalters ist bereits beendet",
  },
  "conflict.accessRequestClosed": {
    EN: "This access request is no longer open",
    NL: "Deze toegangsaanvraag is niet meer open",
    FR: "Cette demande d'accès n'est plus ouverte",
    DE: "Dieser Zugangsantrag ist nicht mehr offen",
  },
  "conflict.accessReviewCompleted": {
    EN: "This access review has already been completed",
    NL: "Deze toegangsreview is al afgerond",
    FR: "Cette revue des accès est déjà clôturée",
    DE: "Diese Zugriffsüberprüfung ist bereits abgeschlossen",
  },
  "conflict.accessReviewItemDecided": {
    EN: "This item of the access review has already been decided",
    NL: "Over dit element van de toegangsreview is al beslist",
    FR: "Cet élément de la revue des accès a déjà été tranché",
    DE: "Über diesen Eintrag der Zugriffsüberprüfung wurde bereits entschieden",
  },
  "conflict.reviewedAssignmentEnded": {
    EN: "This role has already ended: there is nothing left to decide",
    NL: "Deze rol is al beëindigd: er valt niets meer te beslissen",
    FR: "Ce rôle a déjà pris fin : il n'y a plus rien à trancher",
    DE: "Diese Rolle ist bereits beendet: Es gibt nichts mehr zu entscheiden",
  },
  "conflict.userEnded": {
    EN: "This user has already been removed",
    NL: "Deze gebruiker is al verwijderd",
    FR: "Cet utilisateur a déjà été retiré",
    DE: "Dieser Benutzer wurde bereits entfernt",
  },
  "conflict.mainAccessManagerProfile": {
    EN: "The main access manager is access manager of every active capacity; appoint another main access manager first",
    NL: "De hoofdtoegangsbeheerder is toegangsbeheerder van elke actieve hoedanigheid; stel eerst een andere hoofdtoegangsbeheerder aan",
    FR: "Le gestionnaire d'accès principal est gestionnaire d'accès de chaque qualité active ; désignez d'abord un autre gestionnaire d'accès principal",
    DE: "Der Hauptzugangsverwalter ist Zugangsverwalter jeder aktiven Eigenschaft; ernennen Sie zuerst einen anderen Hauptzugangsverwalter",
  },
  "conflict.eBoxActive": {
    EN: "The enterprise's e-Box is already active",
    NL: "De e-Box van de onderneming is al actief",
    FR: "L'e-Box de l'entreprise est déjà active",
    DE: "Die e-Box des Unternehmens ist bereits aktiv",
  },
  "conflict.alreadyMainAccessManager": {
    EN: "This person is already the main access manager",
    NL: "Deze persoon is al hoofdtoegangsbeheerder",
    FR: "Cette personne est déjà gestionnaire d'accès principal",
    DE: "Diese Person ist bereits Hauptzugangsverwalter",
  },
  "conflict.accountActive": {
    EN: "The enterprise's account is already active",
    NL: "Het account van de onderneming is al actief",
    FR: "Le compte de l'entreprise est déjà actif",
    DE: "Das Konto des Unternehmens ist bereits aktiv",
  },
  "conflict.notPendingActivation": {
    EN: "The enterprise needs a main access manager before activation",
    NL: "De onderneming heeft vóór de activering een hoofdtoegangsbeheerder nodig",
    FR: "L'entreprise doit avoir un gestionnaire d'accès principal avant l'activation",
    DE: "Das Unternehmen braucht vor der Aktivierung einen Hauptzugangsverwalter",
  },
  "conflict.concurrentUpdate": {
    EN: "Another request made the same change first; nothing was changed",
    NL: "Een andere aanvraag heeft dezelfde wijziging net eerder gedaan; er is niets gewijzigd",
    FR: "Une autre requête a effectué la même modification juste avant ; rien n'a été modifié",
    DE: "Eine andere Anfrage hat dieselbe Änderung kurz zuvor vorgenommen; nichts wurde geändert",
  },
  "conflict.idempotencyKeyReused": {
    EN: "This Idempotency-Key was used for another request: send a new request with a new key; nothing was changed",
    NL: "Deze Idempotency-Key werd voor een andere aanvraag gebruikt: verstuur een nieuwe aanvraag met een nieuwe sleutel; er is niets gewijzigd",
    FR: "Cette Idempotency-Key a servi pour une autre requête : envoyez une nouvelle requête avec une nouvelle clé ; rien n'a été modifié",
    DE: "Dieser Idempotency-Key wurde für eine andere Anfrage verwendet: Senden Sie eine neue Anfrage mit einem neuen Schlüssel; nichts wurde geändert",
  },
  "conflict.roleHeld": {
    EN: "The person already holds the role “{role}” in this enterprise",
    NL: "Deze persoon heeft al de rol ‘{role}’ in deze onderneming",
    FR: "Cette personne a déjà le rôle « {role} » dans cette entreprise",
    DE: "Diese Person hat in diesem Unternehmen bereits die Rolle „{role}“",
  },
  "conflict.roleHeldInCapacity": {
    EN: "The person already holds the role “{role}” for the capacity “{capacity}” in this enterprise",
    NL: "Deze persoon heeft al de rol ‘{role}’ voor de hoedanigheid ‘{capacity}’ in deze onderneming",
    FR: "Cette personne a déjà le rôle « {role} » pour la qualité « {capacity} » dans cette entreprise",
    DE: "Diese Person hat in diesem Unternehmen bereits die Rolle „{role}“ für die Eigenschaft „{capacity}“",
  },
  "conflict.capacityActive": {
    EN: "The capacity “{capacity}” is already active for this enterprise",
    NL: "De hoedanigheid ‘{capacity}’ is al actief voor deze onderneming",
    FR: "La qualité « {capacity} » est déjà active pour cette entreprise",
    DE: "Die Eigenschaft „{capacity}“ ist für dieses Unternehmen bereits aktiv",
  },
  "conflict.providerNotQualified": {
    EN: "The service provider needs an active capacity of social service provider or approved social secretariat",
    NL: "De dienstverlener moet de hoedanigheid sociaal dienstverlener of erkend sociaal secretariaat actief hebben",
    FR: "Le prestataire doit avoir une qualité active de prestataire de services sociaux ou de secrétariat social agréé",
    DE: "Der Dienstleister braucht eine aktive Eigenschaft als sozialer Dienstleister oder zugelassenes Sozialsekretariat",
  },
  "conflict.providerAlreadyMandated": {
    EN: "This service provider already holds the mandate for this capacity",
    NL: "Deze dienstverlener heeft het mandaat voor deze hoedanigheid al",
    FR: "Ce prestataire de services détient déjà le mandat pour cette qualité",
    DE: "Dieser Dienstleister hat das Mandat für diese Eigenschaft bereits",
  },
  "conflict.mandateEnded": {
    EN: "This mandate has already ended",
    NL: "Dit mandaat is al beëindigd",
    FR: "Ce mandat a déjà pris fin",
    DE: "Dieses Mandat ist bereits beendet",
  },

  "timeout.request": {
    EN: "The request did not finish within {timeoutMs} ms; nothing was changed",
    NL: "De aanvraag was niet klaar binnen {timeoutMs} ms; er is niets gewijzigd",
    FR: "La requête ne s'est pas terminée en {timeoutMs} ms ; rien n'a été modifié",
    DE: "Die Anfrage wurde nicht innerhalb von {timeoutMs} ms abgeschlossen; nichts wurde geändert",
  },
  "timeout.lockWait": {
    EN: "The enterprise stayed locked by another change for too long; nothing was changed",
    NL: "De onderneming bleef te lang vergrendeld door een andere wijziging; er is niets gewijzigd",
    FR: "L'entreprise est restée trop longtemps verrouillée par une autre modification ; rien n'a été modifié",
    DE: "Das Unternehmen war zu lange durch eine andere Änderung gesperrt; nichts wurde geändert",
  },
  "timeout.statement": {
    EN: "A step of the request took too long; nothing was changed",
    NL: "Een stap van de aanvraag duurde te lang; er is niets gewijzigd",
    FR: "Une étape de la requête a pris trop de temps ; rien n'a été modifié",
    DE: "Ein Schritt der Anfrage dauerte zu lange; nichts wurde geändert",
  },
  "unavailable.database": {
    EN: "The database cannot be reached or is not ready; nothing was changed. Retry in {retryAfter} s",
    NL: "De databank is niet bereikbaar of niet klaar; er is niets gewijzigd. Probeer opnieuw over {retryAfter} s",
    FR: "La base de données est injoignable ou pas prête ; rien n'a été modifié. Réessayez dans {retryAfter} s",
    DE: "Die Datenbank ist nicht erreichbar oder nicht bereit; nichts wurde geändert. Versuchen Sie es in {retryAfter} s erneut",
  },
  "unavailable.outcomeUnknown": {
    EN: "The connection to the database was lost while the change was being saved: it may or may not have been made. Read the current state before you send it again",
    NL: "De verbinding met de databank ging verloren terwijl de wijziging werd opgeslagen: ze is misschien doorgevoerd, misschien niet. Lees de huidige toestand voordat u ze opnieuw verstuurt",
    FR: "La connexion à la base de données a été perdue pendant l'enregistrement de la modification : elle a peut-être été effectuée, peut-être pas. Relisez l'état actuel avant de la renvoyer",
    DE: "Die Verbindung zur Datenbank ging verloren, während die Änderung gespeichert wurde: Sie wurde vielleicht ausgeführt, vielleicht nicht. Lesen Sie den aktuellen Stand, bevor Sie sie erneut senden",
  },

  "limits.depth": {
    EN: "The request is nested too deeply: at most {max} levels",
    NL: "De aanvraag is te diep genest: hoogstens {max} niveaus",
    FR: "La requête est trop imbriquée : {max} niveaux au plus",
    DE: "Die Anfrage ist zu tief verschachtelt: höchstens {max} Ebenen",
  },
  "limits.cost": {
    EN: "The request asks for too much at once (its estimated cost is over {max}); ask for fewer items per page",
    NL: "De aanvraag vraagt te veel tegelijk (geschatte kost boven {max}); vraag minder elementen per pagina",
    FR: "La requête demande trop à la fois (coût estimé supérieur à {max}) ; demandez moins d'éléments par page",
    DE: "Die Anfrage verlangt zu viel auf einmal (geschätzte Kosten über {max}); fragen Sie weniger Einträge pro Seite ab",
  },
  "limits.aliases": {
    EN: "The request uses more than {max} aliases",
    NL: "De aanvraag gebruikt meer dan {max} aliassen",
    FR: "La requête utilise plus de {max} alias",
    DE: "Die Anfrage verwendet mehr als {max} Aliasse",
  },
  "limits.rootFields": {
    EN: "The request has more than {max} top-level fields",
    NL: "De aanvraag heeft meer dan {max} velden op het hoogste niveau",
    FR: "La requête compte plus de {max} champs de premier niveau",
    DE: "Die Anfrage hat mehr als {max} Felder auf oberster Ebene",
  },
  "limits.fields": {
    EN: "The request selects more than {max} fields",
    NL: "De aanvraag selecteert meer dan {max} velden",
    FR: "La requête sélectionne plus de {max} champs",
    DE: "Die Anfrage wählt mehr als {max} Felder aus",
  },
  "limits.tokens": {
    EN: "The request is too long: more than {max} tokens",
    NL: "De aanvraag is te lang: meer dan {max} tokens",
    FR: "La requête est trop longue : plus de {max} jetons",
    DE: "Die Anfrage ist zu lang: mehr als {max} Token",
  },
  "limits.responseBytes": {
    EN: "The answer would be larger than {max} bytes; ask for fewer items at once",
    NL: "Het antwoord zou groter zijn dan {max} bytes; vraag minder elementen tegelijk",
    FR: "La réponse dépasserait {max} octets ; demandez moins d'éléments à la fois",
    DE: "Die Antwort wäre größer als {max} Bytes; fragen Sie weniger Einträge auf einmal ab",
  },
  "limits.responseBytesList": {
    EN: "The answer would be larger than {max} bytes: the list {list} holds {count} items; ask for them a page at a time with {connection}",
    NL: "Het antwoord zou groter zijn dan {max} bytes: de lijst {list} telt {count} elementen; vraag ze per pagina op met {connection}",
    FR: "La réponse dépasserait {max} octets : la liste {list} compte {count} éléments ; demandez-les page par page avec {connection}",
    DE: "Die Antwort wäre größer als {max} Bytes: die Liste {list} umfasst {count} Einträge; fragen Sie sie seitenweise mit {connection} ab",
  },
  "limits.rateLimited": {
    EN: "Too many requests; retry in {retryAfter} s",
    NL: "Te veel aanvragen; probeer opnieuw over {retryAfter} s",
    FR: "Trop de requêtes ; réessayez dans {retryAfter} s",
    DE: "Zu viele Anfragen; versuchen Sie es in {retryAfter} s erneut",
  },
  "limits.accessRequestsPerDay": {
    EN: "You can make at most {max} access requests in 24 hours; try again later",
    NL: "U kunt hoogstens {max} toegangsaanvragen per 24 uur doen; probeer het later opnieuw",
    FR: "Vous pouvez faire au plus {max} demandes d'accès en 24 heures ; réessayez plus tard",
    DE: "Sie können höchstens {max} Zugangsanträge in 24 Stunden stellen; versuchen Sie es später erneut",
  },
  "limits.costBudget": {
    EN: "This request costs {requested} points and {remaining} of your {limit} remain in this window; retry in {retryAfter} s",
    NL: "Deze aanvraag kost {requested} punten en er blijven u {remaining} van uw {limit} over in deze periode; probeer opnieuw over {retryAfter} s",
    FR: "Cette requête coûte {requested} points et il vous en reste {remaining} sur {limit} dans cette période ; réessayez dans {retryAfter} s",
    DE: "Diese Anfrage kostet {requested} Punkte, und von Ihren {limit} bleiben in diesem Zeitraum {remaining}; versuchen Sie es in {retryAfter} s erneut",
  },
  "limits.persistedQueryOnly": {
    EN: "This gateway runs only trusted documents: send extensions.persistedQuery.sha256Hash of a document of its manifest, without query text",
    NL: "Deze gateway voert alleen vertrouwde documenten uit: stuur extensions.persistedQuery.sha256Hash van een document uit zijn manifest, zonder de tekst van de query",
    FR: "Cette passerelle n'exécute que des documents de confiance : envoyez extensions.persistedQuery.sha256Hash d'un document de son manifeste, sans le texte de la requête",
    DE: "Dieses Gateway führt nur vertrauenswürdige Dokumente aus: Senden Sie extensions.persistedQuery.sha256Hash eines Dokuments seines Manifests, ohne den Abfragetext",
  },

  "http.bodyNotJson": {
    EN: "The request body is not valid JSON",
    NL: "De inhoud van de aanvraag is geen geldige JSON",
    FR: "Le corps de la requête n'est pas du JSON valide",
    DE: "Der Inhalt der Anfrage ist kein gültiges JSON",
  },
  "http.bodyCharset": {
    EN: "The request body must be UTF-8 JSON",
    NL: "De inhoud van de aanvraag moet JSON in UTF-8 zijn",
    FR: "Le corps de la requête doit être du JSON en UTF-8",
    DE: "Der Inhalt der Anfrage muss JSON in UTF-8 sein",
  },
  "http.bodyEncoding": {
    EN: "The request body's Content-Encoding is not supported",
    NL: "De Content-Encoding van de aanvraag wordt niet ondersteund",
    FR: "Le Content-Encoding du corps de la requête n'est pas pris en charge",
    DE: "Das Content-Encoding der Anfrage wird nicht unterstützt",
  },
  "http.bodyIncomplete": {
    EN: "The request body was incomplete",
    NL: "De inhoud van de aanvraag was onvolledig",
    FR: "Le corps de la requête était incomplet",
    DE: "Der Inhalt der Anfrage war unvollständig",
  },
  "http.bodyUnreadable": {
    EN: "The request could not be read",
    NL: "De aanvraag kon niet gelezen worden",
    FR: "La requête n'a pas pu être lue",
    DE: "Die Anfrage konnte nicht gelesen werden",
  },
  "http.bodyTooLarge": {
    EN: "The request body is larger than {limit}",
    NL: "De inhoud van de aanvraag is groter dan {limit}",
    FR: "Le corps de la requête dépasse {limit}",
    DE: "Der Inhalt der Anfrage ist größer als {limit}",
  },
  "http.batchTooLong": {
    EN: "A batch holds at most {max} operations; send the others in another request",
    NL: "Een batch bevat hoogstens {max} bewerkingen; stuur de andere in een volgende aanvraag",
    FR: "Un lot contient au plus {max} opérations ; envoyez les autres dans une autre requête",
    DE: "Ein Stapel enthält höchstens {max} Operationen; senden Sie die übrigen in einer weiteren Anfrage",
  },
  "http.csrf": {
    EN: "This request has been blocked as a potential Cross-Site Request Forgery: send it with an Authorization header, a JSON Content-Type or an Apollo-Require-Preflight header",
    NL: "Deze aanvraag is geblokkeerd als mogelijke cross-site request forgery: stuur ze met een Authorization-header, een JSON-Content-Type of een Apollo-Require-Preflight-header",
    FR: "Cette requête a été bloquée comme possible falsification de requête intersite : envoyez-la avec un en-tête Authorization, un Content-Type JSON ou un en-tête Apollo-Require-Preflight",
    DE: "Diese Anfrage wurde als mögliche Cross-Site-Request-Forgery blockiert: Senden Sie sie mit einem Authorization-Header, einem JSON-Content-Type oder einem Apollo-Require-Preflight-Header",
  },
  "http.changeOverGet": {
    EN: "Changes are sent with POST, never with GET",
    NL: "Wijzigingen worden met POST verstuurd, nooit met GET",
    FR: "Les modifications s'envoient par POST, jamais par GET",
    DE: "Änderungen werden mit POST gesendet, nie mit GET",
  },
  "live.overHttp": {
    EN: "Subscriptions run over a WebSocket connection to this same address, not over HTTP",
    NL: "Abonnementen lopen over een WebSocket-verbinding met hetzelfde adres, niet over HTTP",
    FR: "Les abonnements passent par une connexion WebSocket à cette même adresse, pas par HTTP",
    DE: "Abonnements laufen über eine WebSocket-Verbindung zu derselben Adresse, nicht über HTTP",
  },
  "live.onlySubscriptions": {
    EN: "Only subscriptions run over WebSocket; send queries and changes over HTTP to the same address",
    NL: "Alleen abonnementen lopen over WebSocket; stuur vragen en wijzigingen over HTTP naar hetzelfde adres",
    FR: "Seuls les abonnements passent par WebSocket ; envoyez les requêtes et les modifications par HTTP à la même adresse",
    DE: "Nur Abonnements laufen über WebSocket; senden Sie Abfragen und Änderungen über HTTP an dieselbe Adresse",
  },
  "live.operationName": {
    EN: "The request must name the operation to run (operationName)",
    NL: "De aanvraag moet de uit te voeren bewerking noemen (operationName)",
    FR: "La requête doit nommer l'opération à exécuter (operationName)",
    DE: "Die Anfrage muss die auszuführende Operation nennen (operationName)",
  },
  "live.tooManySubscriptions": {
    EN: "At most {max} subscriptions per connection; end one or open another connection",
    NL: "Hoogstens {max} abonnementen per verbinding; beëindig er een of open een nieuwe verbinding",
    FR: "Au plus {max} abonnements par connexion ; terminez-en un ou ouvrez une autre connexion",
    DE: "Höchstens {max} Abonnements pro Verbindung; beenden Sie eines oder öffnen Sie eine weitere Verbindung",
  },
  "live.tooManySubscriptionsPerViewer": {
    EN: "At most {max} subscriptions per person at once, across connections; end one first",
    NL: "Hoogstens {max} abonnementen per persoon tegelijk, over alle verbindingen; beëindig er eerst een",
    FR: "Au plus {max} abonnements par personne à la fois, toutes connexions confondues ; terminez-en d'abord un",
    DE: "Höchstens {max} Abonnements pro Person gleichzeitig, über alle Verbindungen; beenden Sie zuerst eines",
  },
  // About the request as sent (its query text, variables, protocol), for its developer: the answer's `message` keeps
  // graphql-js's or Apollo's English text (the detail a developer needs, or the word Apollo's clients match), and these
  // texts travel beside it as `messageKey` and `englishMessage` (src/http/format-error.ts).
  "request.parseFailed": {
    EN: "The request's query text has a syntax error",
    NL: "De querytekst van het verzoek bevat een syntaxisfout",
    FR: "Le texte de la requête contient une erreur de syntaxe",
    DE: "Der Abfragetext der Anfrage enthält einen Syntaxfehler",
  },
  "request.validationFailed": {
    EN: "The request's query does not match the service's schema",
    NL: "De query van het verzoek past niet bij het schema van de dienst",
    FR: "La requête ne correspond pas au schéma du service",
    DE: "Die Abfrage der Anfrage passt nicht zum Schema des Dienstes",
  },
  "request.operationUnknown": {
    EN: "The request does not name one of the operations its query text holds",
    NL: "Het verzoek noemt geen van de operaties die de querytekst bevat",
    FR: "La requête ne désigne aucune des opérations que contient son texte",
    DE: "Die Anfrage nennt keine der Operationen, die ihr Abfragetext enthält",
  },
  "request.variableInvalid": {
    EN: "A variable of the request is missing or has a value of the wrong type",
    NL: "Een variabele van het verzoek ontbreekt of heeft een waarde van het verkeerde type",
    FR: "Une variable de la requête manque ou a une valeur du mauvais type",
    DE: "Eine Variable der Anfrage fehlt oder hat einen Wert des falschen Typs",
  },
  "request.persistedQueryNotFound": {
    EN: "The service does not know this stored query: send its text with its hash",
    NL: "De dienst kent deze opgeslagen query niet: stuur de tekst mee met de hash",
    FR: "Le service ne connaît pas cette requête enregistrée : envoyez son texte avec son empreinte",
    DE: "Der Dienst kennt diese gespeicherte Abfrage nicht: Senden Sie ihren Text mit ihrem Hash",
  },
  "request.persistedQueryHashMismatch": {
    EN: "The hash sent is not the hash of the query text sent with it",
    NL: "De meegestuurde hash is niet de hash van de meegestuurde querytekst",
    FR: "L'empreinte envoyée n'est pas celle du texte de requête envoyé avec elle",
    DE: "Der gesendete Hash ist nicht der Hash des mitgesendeten Abfragetexts",
  },
  "request.notAcceptable": {
    EN: "The Accept header names no media type the service answers in",
    NL: "De Accept-header noemt geen mediatype waarin de dienst antwoordt",
    FR: "L'en-tête Accept ne nomme aucun type de média dans lequel le service répond",
    DE: "Der Accept-Header nennt keinen Medientyp, in dem der Dienst antwortet",
  },
  "request.methodNotAllowed": {
    EN: "The service answers only GET and POST requests",
    NL: "De dienst beantwoordt alleen GET- en POST-verzoeken",
    FR: "Le service ne répond qu'aux requêtes GET et POST",
    DE: "Der Dienst beantwortet nur GET- und POST-Anfragen",
  },
  "request.malformed": {
    EN: "The request is not well formed: its body or parameters cannot be used as sent",
    NL: "Het verzoek is niet goed gevormd: de inhoud of de parameters zijn zo niet bruikbaar",
    FR: "La requête est mal formée : son corps ou ses paramètres ne sont pas utilisables tels quels",
    DE: "Die Anfrage ist fehlerhaft: Ihr Inhalt oder ihre Parameter sind so nicht verwendbar",
  },
  "http.internal": {
    EN: "Unexpected error; it has been logged with the request id",
    NL: "Onverwachte fout; ze is gelogd met de identificatie van de aanvraag",
    FR: "Erreur inattendue ; elle a été journalisée avec l'identifiant de la requête",
    DE: "Unerwarteter Fehler; er wurde mit der Kennung der Anfrage protokolliert",
  },
} as const satisfies Record<string, Translated>;

export type MessageKey = keyof typeof messages;

/** The parameters whose name says what they are: rendered by their name in the language, kept as codes in `params`. */
interface ParamTypes {
  task: Task;
  role: Role;
  /** A capacity code of the catalog. */
  capacity: string;
  /** Online-service codes (those of the catalog read by name, others as given). */
  onlineServices: readonly string[];
  label: FieldLabel;
}

type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
type ParamValue<P extends string> = P extends keyof ParamTypes ? ParamTypes[P] : string | number;

/** The parameters of a message, from its English template: `{task}` makes a `task: Task`. */
export type ParamsOf<K extends MessageKey> = { [P in Placeholders<(typeof messages)[K]["EN"]>]: ParamValue<P> };

/** A message to show, before its language is known: what errors and decisions carry. */
export interface Message<K extends MessageKey = MessageKey> {
  key: K;
  params: ParamsOf<K>;
}

/** The message `key` with its parameters (none for a message without any), each kept as given only if it is safe to echo (`safeParam`). */
export function message<K extends MessageKey>(key: K, ...[params]: keyof ParamsOf<K> extends never ? [] : [ParamsOf<K>]): Message<K> {
  return {
    key,
    params: Object.fromEntries(Object.entries(params ?? {}).map(([name, value]) => [name, safeParam(name, value)])) as ParamsOf<K>,
  };
}

/** The most code points of a caller's value a message echoes (a code of the catalogue has at most 40). */
export const maxEchoLength = 40;
// C0 and C1 control characters, and the bidi controls (marks, embeddings, overrides, isolates) that reorder on screen
// what follows them: a refused value could otherwise make a message read as something else.
// eslint-disable-next-line no-control-regex
const unsafeInEcho = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A value as a message may echo it: without control or bidi-control characters, a lone surrogate replaced, and cut to
 * `maxEchoLength` code points (the last one an ellipsis). Idempotent, so that params echoed once read the same again.
 */
export function echoed(value: unknown): string {
  const points = [...withoutControls(String(value))];
  return points.length > maxEchoLength ? `${points.slice(0, maxEchoLength - 1).join("")}…` : points.join("");
}

/** The text without control or bidi-control characters, a lone surrogate replaced: what a message may show of an input. */
export function withoutControls(text: string): string {
  return text.replace(unsafeInEcho, "").replace(/\p{Cs}/gu, "\ufffd");
}

/** Is `value` a code the catalogue knows for a parameter of this name: a caller's own input, valid for its type? */
function isKnownCode(name: string, value: string): boolean {
  switch (name) {
    case "task":
      return Object.hasOwn(taskNames, value);
    case "role":
      return Object.hasOwn(roleNames, value);
    case "capacity":
      return capacityNames.has(value);
    case "onlineServices":
      return serviceNames.has(value);
    case "label":
      return isFieldLabel(value);
    default:
      return false;
  }
}

/**
 * A parameter as `params` carries it (to the client, in `extensions.params`): a number, or a code of the catalogue for
 * its name, as given; any other text (a refused value, an unknown code) echoed. The one place params are made safe.
 */
function safeParam(name: string, value: unknown): unknown {
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((item) => safeParam(name, item));
  return typeof value === "string" && isKnownCode(name, value) ? value : echoed(value);
}

export const isMessageKey = (key: unknown): key is MessageKey => typeof key === "string" && Object.hasOwn(messages, key);

const capacityNames = new Map(capacityCatalog.map((c) => [c.code, c.names]));
const serviceNames = new Map(onlineServiceCatalog.map((s) => [s.code, s.names]));
const listSeparator: Translated = { EN: ", ", NL: ", ", FR: ", ", DE: ", " };

/**
 * A parameter in the text: a code of the catalogue by its name in the language, anything else echoed (`echoed`), where
 * the template quotes it (test/messages.test.ts checks that every template quotes `{value}`). Params that did not come
 * through `message` (read back from an error's extensions) are echoed here all the same.
 */
function render(name: string, value: unknown, language: Language): string {
  switch (name) {
    case "task":
      return (taskNames as Record<string, Translated>)[String(value)]?.[language] ?? echoed(value);
    case "role":
      return (roleNames as Record<string, Translated>)[String(value)]?.[language] ?? echoed(value);
    case "capacity":
      return capacityNames.get(String(value))?.[language] ?? echoed(value);
    case "label":
      return (fieldLabels as Record<string, Translated>)[String(value)]?.[language] ?? fieldLabels.value[language];
    case "onlineServices":
      return (Array.isArray(value) ? value : [value])
        .map((code) => serviceNames.get(String(code))?.[language] ?? `“${echoed(code)}”`)
        .join(listSeparator[language]);
    default:
      return echoed(value);
  }
}

/**
 * The message's text in `language`, plain text (never HTML). A parameter missing from `params` reads as its name, so
 * that a slip shows in tests; the text of a parameter is never read again for placeholders (one pass of replace).
 */
export function formatMessage({ key, params }: { key: MessageKey; params: Readonly<Record<string, unknown>> }, language: Language): string {
  return messages[key][language].replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? render(name, params[name], language) : placeholder,
  );
}

export const englishText = (m: Message): string => formatMessage(m, "EN");

/** A problem of a checked value said of the field a form labels `label` (a label without a name reads as "this value"). */
export function labelled(problem: Message, label: string): Message {
  if (!("label" in problem.params)) return problem;
  return { ...problem, params: { ...problem.params, label: isFieldLabel(label) ? label : "value" } } as Message;
}

/** A checked value's problem in English for an operator, said of `subject` as given (a command-line option, a CSV column). */
export function englishProblem(problem: Message, subject: string): string {
  if (!("label" in problem.params)) return `${subject}: ${englishText(problem)}`;
  return englishText(labelled(problem, "value")).replace(fieldLabels.value.EN, subject);
}
