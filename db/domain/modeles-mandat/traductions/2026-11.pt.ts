// Portuguese translation (European Portuguese) of the mandat template 2026-11 (db/domain/modeles-mandat/2026-11.ts),
// given to the usager for information. NOT the legal reference: only the French text of the mandat is binding.
import type { TraductionModele } from '../traduction.ts';

export const TRADUCTION: TraductionModele = {
  version: '2026-11',
  langue: 'pt',
  nom: 'Português',
  nomFrancais: 'portugais',
  direction: 'ltr',
  locale: 'pt-PT',
  avertissement: 'Esta tradução é fornecida apenas a título informativo, para o ajudar a compreender o mandato que assina. Só o texto francês do mandato tem valor jurídico; em caso de diferença, prevalece o texto francês.',

  titre: 'Mandato para realizar procedimentos administrativos em linha',
  demarches: {
    papiers: 'Cartão de identidade, passaporte, autorização de residência, carta de condução, inscrição nos cadernos eleitorais, pedido ao Defensor dos Direitos (Défenseur des droits).',
    famille: 'Abonos de família, nascimento, casamento, união de facto (PACS), escolaridade e cantina escolar, apoios para a guarda de crianças.',
    social: 'Seguro de doença, proteção complementar de saúde solidária (complémentaire santé solidaire), deficiência, apoios sociais, mutualidade social agrícola (Mutualité sociale agricole).',
    travail: 'Inscrição e acompanhamento junto da France Travail, conta pessoal de formação (compte personnel de formation), reforma.',
    logement: 'Apoios à habitação, pedido de habitação social, energia e água.',
    transports: 'Certificado de matrícula, multas, dístico ambiental Crit’Air, carta de condução.',
    argent: 'Impostos, selos fiscais, procedimentos bancários e de consumo; um processo de sobre-endividamento tem de ser assinado pelo próprio utente.',
    justice: 'Recursos em linha junto dos tribunais administrativos (Télérecours citoyens).',
    etranger: 'Autorização de residência, pedido de asilo, procedimentos europeus.',
    loisirs: 'Atividades desportivas e culturais, passe cultural (pass Culture).',
  },
  phraseDuree: 'O presente mandato é celebrado {duree}.',
  objet: 'Eu, abaixo assinado(a), {mandant} (o mandante), confiro mandato a {mandataire} (o mandatário), que o aceita, para realizar em meu nome e por minha conta os procedimentos administrativos em linha indicados abaixo, nas condições dos artigos 1984.º e seguintes do Código Civil francês. O mandatário atua por intermédio dos seus ajudantes habilitados Aidants Connect; este mandato é assinado com {aidant}.',
  sections: [
    {
      titre: 'Declaração do mandante',
      paragraphes: [
        'Declaro não estar sujeito(a) a nenhuma medida de proteção jurídica (tutela, curatela ou salvaguarda de justiça) que me impeça de consentir sozinho(a) no presente mandato.',
        'Declaro ter sido informado(a) do objeto do mandato, dos procedimentos e da duração escolhidos, dos dados recolhidos e dos meus direitos, e consentir livremente.',
      ],
    },
    {
      titre: 'Revogação',
      paragraphes: [
        'Posso revogar este mandato a qualquer momento, sem ter de me justificar, pedindo-o à entidade (oralmente, por carta ou por correio eletrónico) ou à equipa Aidants Connect. A revogação produz efeitos imediatamente e é-me entregue um certificado de revogação.',
      ],
    },
    {
      titre: 'Fim do mandato',
      paragraphes: [
        'O mandato termina na sua data de expiração, com a sua revogação, com o meu falecimento ou com a abertura de uma medida de proteção jurídica que me diga respeito, ou se a entidade perder a sua habilitação Aidants Connect.',
      ],
    },
    {
      titre: 'Compromissos do ajudante',
      paragraphes: [
        'O ajudante só atua para os procedimentos e pelo tempo previstos, no meu interesse exclusivo. Respeita a confidencialidade das informações de que toma conhecimento, não guarda nenhum dos meus identificadores nem palavras-passe e presta-me contas dos procedimentos realizados. Nunca assina em meu lugar um processo de sobre-endividamento.',
      ],
    },
    {
      titre: 'Dados pessoais',
      paragraphes: [
        'Os meus dados (identidade transmitida pelo FranceConnect, contactos, procedimentos) são tratados pela Agência Nacional para a Coesão dos Territórios (ANCT), responsável pelo tratamento, para a gestão e a prova dos mandatos. São conservados durante a vigência do mandato e seis anos após o seu fim, sendo depois apagados.',
        'Disponho dos direitos de acesso, retificação, apagamento, limitação e oposição (Regulamento Geral sobre a Proteção de Dados, artigos 15.º a 21.º), que exerço junto da ANCT; posso apresentar reclamação à CNIL, a autoridade francesa de proteção de dados.',
      ],
    },
    {
      titre: 'Verificação do mandato',
      paragraphes: [
        'Qualquer administração ou organismo pode verificar que este mandato é autêntico e continua válido através do código de verificação impresso no fundo da página ou do código QR. Nesse caso, só são mostradas as minhas iniciais.',
      ],
    },
  ],
  faitA: 'Feito em {lieu}, em {date}, em dois exemplares: um entregue ao utente, o outro conservado pela entidade.',
  signatureUsager: 'Assinatura do utente (mandante)',
  signatureAidant: 'Assinatura do ajudante, pela entidade (mandatário)',

  titresDemarches: {
    papiers: 'Documentos - Cidadania - Eleições',
    famille: 'Família - Escolaridade',
    social: 'Assuntos sociais - Saúde',
    travail: 'Trabalho - Formação',
    logement: 'Habitação',
    transports: 'Transportes - Mobilidade',
    argent: 'Dinheiro - Impostos - Consumo',
    justice: 'Justiça',
    etranger: 'Estrangeiros - Europa',
    loisirs: 'Lazer - Desporto - Cultura',
  },
  durees: {
    SHORT: 'por 1 dia, até {fin}',
    MONTH: 'por 31 dias, até {fin}',
    SEMESTER: 'por 182 dias, até {fin}',
    LONG: 'por 365 dias, até {fin}',
  },
  libelles: {
    reference: 'Mandato n.º {numero} · assinado em {date} · modelo {version}',
    mandant: 'O mandante (o utente)',
    mandataire: 'O mandatário (a entidade)',
    nom: 'Nome',
    structure: 'Entidade',
    aidant: 'Ajudante habilitado',
    aidantInconnu: 'um ajudante habilitado da entidade',
    demarches: 'Procedimentos confiados',
    duree: 'Duração',
    priseEffet: 'Produz efeitos em {debut} e expira em {fin}.',
    signatures: 'Assinaturas (no original francês)',
  },
};
