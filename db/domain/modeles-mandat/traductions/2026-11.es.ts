// Spanish translation of the mandat template 2026-11 (db/domain/modeles-mandat/2026-11.ts), given to the
// usager for information. NOT the legal reference: only the French text of the mandat is binding.
import type { TraductionModele } from '../traduction.ts';

export const TRADUCTION: TraductionModele = {
  version: '2026-11',
  langue: 'es',
  nom: 'Español',
  nomFrancais: 'espagnol',
  direction: 'ltr',
  locale: 'es-ES',
  avertissement: 'Esta traducción se facilita únicamente a título informativo, para ayudarle a entender el mandato que firma. Solo el texto francés del mandato tiene valor jurídico; en caso de diferencia, prevalece el texto francés.',

  titre: 'Mandato para realizar trámites administrativos en línea',
  demarches: {
    papiers: 'Documento nacional de identidad, pasaporte, permiso de residencia, permiso de conducir, inscripción en el censo electoral, solicitud al Defensor de los Derechos (Défenseur des droits).',
    famille: 'Prestaciones familiares, nacimiento, matrimonio, pareja de hecho (PACS), escolaridad y comedor escolar, ayudas para el cuidado de los hijos.',
    social: 'Seguro de enfermedad, seguro médico complementario solidario (complémentaire santé solidaire), discapacidad, ayudas sociales, mutualidad social agraria (Mutualité sociale agricole).',
    travail: 'Inscripción y seguimiento en France Travail, cuenta personal de formación (compte personnel de formation), jubilación.',
    logement: 'Ayudas a la vivienda, solicitud de vivienda social, energía y agua.',
    transports: 'Permiso de circulación del vehículo, multas, distintivo ambiental Crit’Air, permiso de conducir.',
    argent: 'Impuestos, timbres fiscales, trámites bancarios y de consumo; una solicitud de sobreendeudamiento debe firmarla el propio usuario.',
    justice: 'Recursos en línea ante la jurisdicción contencioso-administrativa (Télérecours citoyens).',
    etranger: 'Permiso de residencia, solicitud de asilo, trámites europeos.',
    loisirs: 'Actividades deportivas y culturales, bono cultural (pass Culture).',
  },
  phraseDuree: 'El presente mandato se otorga {duree}.',
  objet: 'Yo, {mandant}, abajo firmante (el mandante), otorgo mandato a {mandataire} (el mandatario), que lo acepta, para realizar en mi nombre y por mi cuenta los trámites administrativos en línea indicados a continuación, en las condiciones de los artículos 1984 y siguientes del Código Civil francés. El mandatario actúa a través de sus ayudantes habilitados de Aidants Connect; este mandato se firma con {aidant}.',
  sections: [
    {
      titre: 'Declaración del mandante',
      paragraphes: [
        'Declaro no estar sujeto(a) a ninguna medida de protección jurídica (tutela, curatela o salvaguarda de justicia) que me impida consentir por mí mismo(a) el presente mandato.',
        'Declaro haber sido informado(a) del objeto del mandato, de los trámites y de la duración elegidos, de los datos recogidos y de mis derechos, y consentir libremente.',
      ],
    },
    {
      titre: 'Revocación',
      paragraphes: [
        'Puedo revocar este mandato en cualquier momento, sin tener que justificarme, solicitándolo a la entidad (verbalmente, por carta o por correo electrónico) o al equipo de Aidants Connect. La revocación surte efecto de inmediato y se me entrega un certificado de revocación.',
      ],
    },
    {
      titre: 'Fin del mandato',
      paragraphes: [
        'El mandato termina en su fecha de vencimiento, con su revocación, con mi fallecimiento o con la apertura de una medida de protección jurídica que me afecte, o si la entidad pierde su habilitación de Aidants Connect.',
      ],
    },
    {
      titre: 'Compromisos del ayudante',
      paragraphes: [
        'El ayudante solo actúa para los trámites y durante el tiempo previstos, en mi exclusivo interés. Respeta la confidencialidad de la información que conoce, no conserva ninguno de mis identificadores ni contraseñas y me informa de los trámites realizados. Nunca firma en mi lugar una solicitud de sobreendeudamiento.',
      ],
    },
    {
      titre: 'Datos personales',
      paragraphes: [
        'Mis datos (identidad transmitida por FranceConnect, datos de contacto, trámites) son tratados por la Agencia Nacional de la Cohesión de los Territorios (ANCT), responsable del tratamiento, para la gestión y la prueba de los mandatos. Se conservan durante la vigencia del mandato y seis años después de su fin, y luego se suprimen.',
        'Dispongo de los derechos de acceso, rectificación, supresión, limitación y oposición (Reglamento General de Protección de Datos, artículos 15 a 21), que ejerzo ante la ANCT; puedo presentar una reclamación ante la CNIL, la autoridad francesa de protección de datos.',
      ],
    },
    {
      titre: 'Verificación del mandato',
      paragraphes: [
        'Cualquier administración u organismo puede comprobar que este mandato es auténtico y sigue siendo válido mediante el código de verificación impreso al pie de la página o el código QR. Entonces solo se muestran mis iniciales.',
      ],
    },
  ],
  faitA: 'Hecho en {lieu}, el {date}, en dos ejemplares: uno entregado al usuario y otro conservado por la entidad.',
  signatureUsager: 'Firma del usuario (mandante)',
  signatureAidant: 'Firma del ayudante, por la entidad (mandatario)',

  titresDemarches: {
    papiers: 'Documentación - Ciudadanía - Elecciones',
    famille: 'Familia - Escolaridad',
    social: 'Asuntos sociales - Salud',
    travail: 'Trabajo - Formación',
    logement: 'Vivienda',
    transports: 'Transporte - Movilidad',
    argent: 'Dinero - Impuestos - Consumo',
    justice: 'Justicia',
    etranger: 'Extranjería - Europa',
    loisirs: 'Ocio - Deporte - Cultura',
  },
  durees: {
    SHORT: 'por 1 día, hasta el {fin}',
    MONTH: 'por 31 días, hasta el {fin}',
    SEMESTER: 'por 182 días, hasta el {fin}',
    LONG: 'por 365 días, hasta el {fin}',
  },
  libelles: {
    reference: 'Mandato n.º {numero} · firmado el {date} · modelo {version}',
    mandant: 'El mandante (el usuario)',
    mandataire: 'El mandatario (la entidad)',
    nom: 'Nombre',
    structure: 'Entidad',
    aidant: 'Ayudante habilitado',
    aidantInconnu: 'un ayudante habilitado de la entidad',
    demarches: 'Trámites encomendados',
    duree: 'Duración',
    priseEffet: 'Surte efecto el {debut} y vence el {fin}.',
    signatures: 'Firmas (en el original francés)',
  },
};
