//! The real terminal: raw mode and the alternate screen in, and always back out again, on
//! a normal exit, an error, or a panic (the hook restores before the message is printed,
//! so the message is readable and the shell is usable).

use std::io::{self, Stdout, Write};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::backend::CrosstermBackend;
use ratatui::{Frame, Terminal};

use super::drive::Screen;
use super::theme::Theme;

/// Leave raw mode, mouse capture and the alternate screen. Safe to call more than once,
/// and with the mouse never captured (the terminal ignores turning off what is off).
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// How a face draws its state: a pure function, as in `view`.
pub type Render<M> = fn(&mut Frame, &M, &Theme);

/// The terminal while the console owns it; dropping it gives the terminal back. `render`
/// is the face's view (the console's or the wallboard's).
pub struct TermScreen<M> {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    theme: Theme,
    render: Render<M>,
}

impl<M> TermScreen<M> {
    /// `mouse`: capture the mouse (`--mouse`); off, the terminal keeps its own selection.
    pub fn enter(theme: Theme, render: Render<M>, mouse: bool) -> io::Result<TermScreen<M>> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        if mouse && let Err(e) = execute!(out, EnableMouseCapture) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(TermScreen {
                terminal,
                theme,
                render,
            }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl<M> Screen<M> for TermScreen<M> {
    fn draw(&mut self, app: &M) -> io::Result<()> {
        // one atomic update: a terminal that supports mode 2026 never shows half a frame
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let (theme, render) = (&self.theme, self.render);
        self.terminal.draw(|f| render(f, app, theme))?;
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        self.terminal.backend_mut().flush()
    }
}

impl<M> Drop for TermScreen<M> {
    fn drop(&mut self) {
        restore();
    }
}
