//! The real terminal: raw mode and the alternate screen in, and always back out again, on
//! a normal exit, an error, or a panic (the hook restores before the message is printed,
//! so the message is readable and the shell is usable).

use std::io::{self, Stdout, Write};

use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::app::App;
use super::drive::Screen;
use super::theme::Theme;
use super::view;

/// Leave raw mode and the alternate screen. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// The terminal while the console owns it; dropping it gives the terminal back.
pub struct TermScreen {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    theme: Theme,
}

impl TermScreen {
    pub fn enter(theme: Theme) -> io::Result<TermScreen> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(TermScreen { terminal, theme }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Screen for TermScreen {
    fn draw(&mut self, app: &App) -> io::Result<()> {
        // one atomic update: a terminal that supports mode 2026 never shows half a frame
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let theme = &self.theme;
        self.terminal.draw(|f| view::render(f, app, theme))?;
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        self.terminal.backend_mut().flush()
    }
}

impl Drop for TermScreen {
    fn drop(&mut self) {
        restore();
    }
}
