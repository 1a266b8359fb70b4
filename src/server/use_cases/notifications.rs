//! Which mail each event sends, to whom, from which address: built here and handed to the store
//! with the change that causes it, so mail and change commit (or fail) together.

use chrono::{DateTime, Duration, Utc};

use crate::domain::mail::loops::AUTO_RESPONSES_PER_HOUR;
use crate::domain::mail::outgoing::{Compose, OutgoingMail, compose};
use crate::domain::mail::template::{MailTemplate, TemplateKind, Vars};
use crate::domain::sla::EscalationAction;
use crate::domain::ticket::Ticket;
use crate::error::AppError;
use crate::server::request::internal;
use crate::server::state::AppState;
use crate::server::use_cases::general_settings;

/// A ticket as mail speaks of it (also before it is stored).
pub struct MailTicket<'a> {
    pub number: &'a str,
    pub subject: &'a str,
    pub status: &'a str,
    pub priority: &'a str,
    pub department: &'a str,
    pub department_name: &'a str,
    pub requester_name: &'a str,
    pub requester_email: &'a str,
}

impl<'a> MailTicket<'a> {
    pub fn of(ticket: &'a Ticket) -> MailTicket<'a> {
        MailTicket {
            number: &ticket.number,
            subject: &ticket.subject,
            status: &ticket.status.name,
            priority: &ticket.priority_name,
            department: &ticket.department,
            department_name: &ticket.department_name,
            requester_name: &ticket.requester_name,
            requester_email: &ticket.requester_email,
        }
    }
}

/// Everything mail needs that does not change per message: templates, the signing key, the
/// addresses and names. Loaded per event (no cache: an admin's change applies at once).
pub struct Mailer {
    templates: Vec<MailTemplate>,
    secret: Vec<u8>,
    default_from: String,
    base_url: String,
    helpdesk: String,
}

/// One recipient: name and address.
pub type Person = (String, String);

impl Mailer {
    pub async fn load(state: &AppState) -> Result<Mailer, AppError> {
        let general = general_settings::current(state).await?;
        Ok(Mailer {
            templates: state.store.email_templates().await.map_err(internal)?,
            secret: state.secret.signing(),
            default_from: state.settings.mail.from.clone(),
            base_url: state.settings.base_url.trim_end_matches('/').to_string(),
            helpdesk: general.helpdesk_name,
        })
    }

    pub fn template(&self, kind: TemplateKind, department: Option<&str>) -> MailTemplate {
        MailTemplate::pick(&self.templates, kind, department)
    }

    /// The placeholders every ticket mail fills.
    pub fn ticket_vars(&self, ticket: &MailTicket<'_>) -> Vars {
        let mut vars = Vars::default();
        vars.set("ticket.number", ticket.number)
            .set("ticket.subject", ticket.subject)
            .set("ticket.status", ticket.status)
            .set("ticket.priority", ticket.priority)
            .set("ticket.department", ticket.department_name)
            .set(
                "ticket.url",
                format!("{}/tickets/{}", self.base_url, ticket.number),
            )
            .set(
                "ticket.agent_url",
                format!("{}/agent/tickets/{}", self.base_url, ticket.number),
            )
            .set("requester.name", ticket.requester_name)
            .set(
                "requester.first_name",
                ticket
                    .requester_name
                    .split_whitespace()
                    .next()
                    .unwrap_or(""),
            )
            .set("requester.email", ticket.requester_email)
            .set("helpdesk.name", self.helpdesk.clone());
        vars
    }

    pub fn account_vars(&self) -> Vars {
        let mut vars = Vars::default();
        vars.set("helpdesk.name", self.helpdesk.clone());
        vars
    }

    /// One message per recipient (so nobody sees the others' addresses).
    #[allow(clippy::too_many_arguments)]
    pub fn compose(
        &self,
        kind: TemplateKind,
        department: Option<&str>,
        sender: Option<&str>,
        to: &[Person],
        vars: &Vars,
        ticket: Option<&str>,
        conversation: &[String],
    ) -> Vec<OutgoingMail> {
        let template = self.template(kind, department);
        self.compose_with(&template, sender, to, vars, ticket, conversation)
    }

    /// [`Mailer::compose`] with a given template.
    pub fn compose_with(
        &self,
        template: &MailTemplate,
        sender: Option<&str>,
        to: &[Person],
        vars: &Vars,
        ticket: Option<&str>,
        conversation: &[String],
    ) -> Vec<OutgoingMail> {
        let from = sender.unwrap_or(&self.default_from);
        to.iter()
            .map(|(name, email)| {
                let mut vars = vars.clone();
                vars.set("recipient.name", name.clone());
                let nonce = hex::encode(rand::random::<[u8; 8]>());
                compose(Compose {
                    template,
                    vars: &vars,
                    from,
                    to: email,
                    ticket,
                    conversation,
                    secret: &self.secret,
                    nonce: &nonce,
                })
            })
            .collect()
    }
}

/// Recipients without `except` (the person acting) and without duplicates.
fn without(people: Vec<Person>, except: Option<&str>) -> Vec<Person> {
    let mut out: Vec<Person> = Vec::new();
    for (name, email) in people {
        if Some(email.as_str()) != except && !out.iter().any(|(_, e)| e == &email) {
            out.push((name, email));
        }
    }
    out
}

async fn sender(state: &AppState, department: &str) -> Result<Option<String>, AppError> {
    Ok(state
        .store
        .department_mail(department)
        .await
        .map_err(internal)?
        .0)
}

/// The agents a new message alerts: the assignee, else everyone in the department.
async fn alerted(
    state: &AppState,
    department: &str,
    assignee: Option<&str>,
) -> Result<Vec<Person>, AppError> {
    let store = &state.store;
    Ok(match assignee {
        Some(id) => store.people(&[id.to_string()]).await.map_err(internal)?,
        None => store
            .department_agents(department)
            .await
            .map_err(internal)?,
    })
}

/// Whether the requester may get another auto-response now (rate limit per sender).
pub async fn may_auto_respond(
    state: &AppState,
    email: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let recent = state
        .store
        .auto_responses_since(email, now - Duration::hours(1))
        .await
        .map_err(internal)?;
    Ok(recent < AUTO_RESPONSES_PER_HOUR)
}

/// What a new ticket's mail depends on.
pub struct Opening<'a> {
    pub message: &'a str,
    pub assignee: Option<&'a str>,
    /// Send the requester an auto-response (channel, API flag and filters agree).
    pub autorespond: bool,
    /// Alert the agents.
    pub alert: bool,
    /// Further addresses a filter alerts.
    pub also_alert: &'a [String],
    /// A filter's canned response, sent as the auto-response instead of the template.
    pub canned: Option<&'a str>,
    /// The Message-ID of the mail that opened the ticket, if it came by mail.
    pub conversation: &'a [String],
}

/// A new ticket: the requester's auto-response and the agents' alert.
pub async fn ticket_opened(
    state: &AppState,
    ticket: &MailTicket<'_>,
    opening: &Opening<'_>,
) -> Result<Vec<OutgoingMail>, AppError> {
    let mailer = Mailer::load(state).await?;
    let from = sender(state, ticket.department).await?;
    let mut vars = mailer.ticket_vars(ticket);
    vars.set("message", opening.message);
    let mut mail = Vec::new();
    if opening.autorespond
        && may_auto_respond(state, ticket.requester_email, state.clock.now()).await?
    {
        let requester = [(
            ticket.requester_name.to_string(),
            ticket.requester_email.to_string(),
        )];
        let canned = match opening.canned {
            Some(key) => state
                .store
                .canned_responses()
                .await
                .map_err(internal)?
                .into_iter()
                .find(|c| c.key == key),
            None => None,
        };
        match canned {
            Some(canned) => {
                let body = crate::domain::canned::render(
                    &canned.body,
                    &crate::domain::canned::CannedVars {
                        ticket_number: ticket.number,
                        ticket_subject: ticket.subject,
                        requester_name: ticket.requester_name,
                        agent_name: &mailer.helpdesk,
                    },
                );
                let template = MailTemplate {
                    subject: "Re: {ticket.subject}".into(),
                    text: "{message}".into(),
                    html: "{message}".into(),
                    ..mailer.template(TemplateKind::AutoResponse, Some(ticket.department))
                };
                let mut vars = vars.clone();
                vars.set("message", body);
                mail.extend(mailer.compose_with(
                    &template,
                    from.as_deref(),
                    &requester,
                    &vars,
                    Some(ticket.number),
                    opening.conversation,
                ));
            }
            None => mail.extend(mailer.compose(
                TemplateKind::AutoResponse,
                Some(ticket.department),
                from.as_deref(),
                &requester,
                &vars,
                Some(ticket.number),
                opening.conversation,
            )),
        }
    }
    if opening.alert {
        let mut agents = alerted(state, ticket.department, opening.assignee).await?;
        agents.extend(opening.also_alert.iter().map(|a| (a.clone(), a.clone())));
        mail.extend(mailer.compose(
            TemplateKind::NewMessageAlert,
            Some(ticket.department),
            from.as_deref(),
            &without(agents, Some(ticket.requester_email)),
            &vars,
            Some(ticket.number),
            &[],
        ));
    }
    Ok(mail)
}

/// Mail of `kind` about `ticket` to `to`, from its department's address, with the ticket's
/// variables and `extra` ones.
async fn about(
    state: &AppState,
    ticket: &MailTicket<'_>,
    kind: TemplateKind,
    to: &[Person],
    extra: &[(&str, &str)],
    conversation: &[String],
) -> Result<Vec<OutgoingMail>, AppError> {
    if to.is_empty() {
        return Ok(Vec::new());
    }
    let mailer = Mailer::load(state).await?;
    let mut vars = mailer.ticket_vars(ticket);
    for (name, value) in extra {
        vars.set(name, *value);
    }
    Ok(mailer.compose(
        kind,
        Some(ticket.department),
        sender(state, ticket.department).await?.as_deref(),
        to,
        &vars,
        Some(ticket.number),
        conversation,
    ))
}

/// A customer's new message on an existing ticket: the agents' alert.
pub async fn customer_wrote(
    state: &AppState,
    ticket: &Ticket,
    author_email: &str,
    message: &str,
) -> Result<Vec<OutgoingMail>, AppError> {
    let agents = without(
        alerted(state, &ticket.department, ticket.assignee_id.as_deref()).await?,
        Some(author_email),
    );
    let extra = [("message", message)];
    about(
        state,
        &MailTicket::of(ticket),
        TemplateKind::NewMessageAlert,
        &agents,
        &extra,
        &[],
    )
    .await
}

/// An agent's reply: to the requester and everyone copied, continuing the conversation.
pub async fn agent_replied(
    state: &AppState,
    ticket: &Ticket,
    agent_name: &str,
    message: &str,
) -> Result<Vec<OutgoingMail>, AppError> {
    let store = &state.store;
    let mut people = vec![(
        ticket.requester_name.clone(),
        ticket.requester_email.clone(),
    )];
    people.extend(
        store
            .people(&ticket.collaborator_ids)
            .await
            .map_err(internal)?,
    );
    let conversation = store
        .conversation_ids(&ticket.number)
        .await
        .map_err(internal)?;
    let extra = [("agent.name", agent_name), ("message", message)];
    let to = without(people, None);
    about(
        state,
        &MailTicket::of(ticket),
        TemplateKind::AgentReply,
        &to,
        &extra,
        &conversation,
    )
    .await
}

/// An assignment: to the new assignee, unless they assigned themselves.
pub async fn assigned(
    state: &AppState,
    ticket: &Ticket,
    agent_id: &str,
    actor_id: Option<&str>,
    actor_name: &str,
) -> Result<Vec<OutgoingMail>, AppError> {
    if actor_id == Some(agent_id) {
        return Ok(Vec::new());
    }
    let to = state
        .store
        .people(&[agent_id.to_string()])
        .await
        .map_err(internal)?;
    let extra = [("agent.name", actor_name)];
    about(
        state,
        &MailTicket::of(ticket),
        TemplateKind::AssignmentAlert,
        &to,
        &extra,
        &[],
    )
    .await
}

/// A transfer: to the agents of the new department (not the one who moved it).
pub async fn transferred(
    state: &AppState,
    ticket: &Ticket,
    department: &str,
    department_name: &str,
    actor_email: &str,
    actor_name: &str,
) -> Result<Vec<OutgoingMail>, AppError> {
    let moved = MailTicket {
        department,
        department_name,
        ..MailTicket::of(ticket)
    };
    let agents = state
        .store
        .department_agents(department)
        .await
        .map_err(internal)?;
    let to = without(agents, Some(actor_email));
    let extra = [("agent.name", actor_name)];
    about(state, &moved, TemplateKind::TransferAlert, &to, &extra, &[]).await
}

/// An SLA escalation that notifies: the assignee, the department's manager or the team.
pub async fn escalated(
    state: &AppState,
    ticket: &Ticket,
    action: EscalationAction,
    event: &str,
) -> Result<Vec<OutgoingMail>, AppError> {
    let store = &state.store;
    let ids: Vec<String> = match action {
        EscalationAction::NotifyAssignee => ticket.assignee_id.iter().cloned().collect(),
        EscalationAction::NotifyManager => store
            .department_mail(&ticket.department)
            .await
            .map_err(internal)?
            .1
            .into_iter()
            .collect(),
        EscalationAction::NotifyTeam => match &ticket.team_id {
            Some(team) => store.team_members(team).await.map_err(internal)?,
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    let to = store.people(&ids).await.map_err(internal)?;
    let extra = [("sla.event", event)];
    about(
        state,
        &MailTicket::of(ticket),
        TemplateKind::SlaEscalation,
        &to,
        &extra,
        &[],
    )
    .await
}

/// A guest access link, to the address it was asked for.
pub async fn guest_link(
    state: &AppState,
    ticket: &Ticket,
    email: &str,
    link: &str,
    expires: DateTime<Utc>,
) -> Result<Vec<OutgoingMail>, AppError> {
    let expires = expires.format("%Y-%m-%d %H:%M UTC").to_string();
    let to = [(ticket.requester_name.clone(), email.to_string())];
    let extra = [("link", link), ("link.expires", expires.as_str())];
    about(
        state,
        &MailTicket::of(ticket),
        TemplateKind::GuestLink,
        &to,
        &extra,
        &[],
    )
    .await
}

/// A password reset or an invitation: a one-time link to choose a password.
pub async fn password_link(
    state: &AppState,
    kind: TemplateKind,
    to: &Person,
    link: &str,
    expires: DateTime<Utc>,
) -> Result<Vec<OutgoingMail>, AppError> {
    let mailer = Mailer::load(state).await?;
    let mut vars = mailer.account_vars();
    vars.set("link", link).set(
        "link.expires",
        expires.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    Ok(mailer.compose(kind, None, None, std::slice::from_ref(to), &vars, None, &[]))
}
