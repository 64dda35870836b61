//! Submitting a finished attempt to the academy from the results screen. The academy's address
//! and the device token come from `academy.ron` in the data folder (kept there when the trainee
//! asks); the file goes on its own thread, so the window never waits on the network, and the
//! academy's answer comes back as a notice.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use bevy::prelude::*;
use smp_submit::{Academy, AcademySettings, Receipt, SubmitError};

use crate::AppSystems;
use crate::notice::Notice;
use crate::wake::Wake;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<AcademyForm>();
    app.add_systems(Update, collect_answer.in_set(AppSystems::Update));
}

/// The academy form on the results screen, as the trainee fills it.
#[derive(Resource, Default, Debug, Clone)]
pub struct AcademyForm {
    /// The academy's address, `http://HOST[:PORT][/PREFIX]`.
    pub server: String,
    /// The device token the academy's admin made.
    pub token: String,
    /// The assignment's id at the academy; empty for none.
    pub assignment: String,
    /// Whether to keep the address and token in `academy.ron` for next time.
    pub remember: bool,
    /// What the last submission came to, to show beside the button.
    pub last: Option<String>,
}

impl AcademyForm {
    /// The form filled from the settings in `data_dir` (empty when there are none; a broken
    /// settings file is said in `last`, and left as it is).
    pub fn load(data_dir: &Path) -> Self {
        match AcademySettings::load(data_dir) {
            Ok(s) => AcademyForm {
                remember: !(s.server.is_empty() && s.token.is_empty()),
                server: s.server,
                token: s.token,
                ..default()
            },
            Err(e) => AcademyForm {
                last: Some(format!("Saved academy settings not read: {e}")),
                ..default()
            },
        }
    }

    /// The academy and assignment the form names, or what is wrong with it.
    pub fn academy(&self) -> Result<(Academy, Option<u64>), String> {
        let academy = Academy::new(&self.server, &self.token).map_err(|e| e.to_string())?;
        let assignment = match self.assignment.trim() {
            "" => None,
            a => Some(a.parse::<u64>().map_err(|_| {
                format!(
                    "the assignment {a:?} is not a number (the id in its address at the academy)"
                )
            })?),
        };
        Ok((academy, assignment))
    }
}

/// A submission on its way: the academy's answer arrives from another thread.
#[derive(Resource)]
pub struct Submitting {
    /// The attempt file being sent.
    pub file: PathBuf,
    answer: Mutex<Receiver<Result<Receipt, SubmitError>>>,
}

impl Submitting {
    /// Sends `file` to `academy` (for `assignment`) on a thread of its own.
    pub fn start(academy: Academy, file: PathBuf, assignment: Option<u64>) -> Self {
        let (tx, rx) = channel();
        let sent = file.clone();
        std::thread::spawn(move || {
            let _ = tx.send(academy.submit(&sent, assignment));
        });
        Submitting {
            file,
            answer: Mutex::new(rx),
        }
    }
}

/// Starts submitting `file` as the form says, keeping the settings first when asked. Returns
/// what to tell the trainee when it cannot start.
pub fn submit(
    commands: &mut Commands,
    form: &mut AcademyForm,
    data_dir: &Path,
    file: &Path,
) -> Result<(), String> {
    let (academy, assignment) = form.academy()?;
    if form.remember {
        let settings = AcademySettings {
            server: form.server.trim().to_string(),
            token: form.token.trim().to_string(),
        };
        settings
            .save(data_dir)
            .map_err(|e| format!("academy settings not kept: {e}"))?;
    }
    form.last = Some(format!("Sending {}…", file.display()));
    commands.insert_resource(Submitting::start(academy, file.to_path_buf(), assignment));
    Ok(())
}

/// Tells the trainee the academy's answer when it comes; until then the loop looks again a few
/// times a second (nobody has to move the mouse to see it).
fn collect_answer(
    mut commands: Commands,
    submitting: Option<Res<Submitting>>,
    mut form: ResMut<AcademyForm>,
    mut notice: ResMut<Notice>,
    mut wake: ResMut<Wake>,
) {
    let Some(submitting) = submitting else { return };
    let answer = match submitting.answer.lock() {
        Ok(rx) => rx.try_recv(),
        Err(_) => Err(TryRecvError::Disconnected),
    };
    let said = match answer {
        Err(TryRecvError::Empty) => {
            wake.within(0.2);
            return;
        }
        Ok(Ok(receipt)) => format!("Academy: {}", receipt.describe()),
        Ok(Err(e)) => format!("Not submitted: {e}"),
        Err(TryRecvError::Disconnected) => {
            "Not submitted: the sending stopped without an answer".into()
        }
    };
    info!("{said}");
    notice.show(said.clone());
    form.last = Some(said);
    commands.remove_resource::<Submitting>();
}
