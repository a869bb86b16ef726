//! The real terminal: raw mode and the alternate screen in, and always back out again, on
//! a normal exit, an error, or a panic (the hook restores before the message is printed,
//! so the message is readable and the shell is usable).

use std::io::{self, Stdout, Write};
use std::sync::Arc;

use crossterm::terminal::{BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate};
use crossterm::{execute, queue};
use ratatui::backend::CrosstermBackend;
use ratatui::{Frame, Terminal};

use super::drive::Screen;
use super::guard::{Tty, restore, take};
use super::theme::Theme;

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
/// is the face's view (the console's or the wallboard's). It shares the terminal with the
/// guard (`guard::Tty`), which may give it back and take it again between frames.
pub struct TermScreen<M> {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    theme: Theme,
    render: Render<M>,
    tty: Arc<Tty>,
}

impl<M> TermScreen<M> {
    /// Capture the mouse if `tty` says so (`--mouse`); off, the terminal keeps its own
    /// selection.
    pub fn enter(theme: Theme, render: Render<M>, tty: Arc<Tty>) -> io::Result<TermScreen<M>> {
        install_panic_hook();
        let held = tty.lock();
        if let Err(e) = take(tty.mouse()) {
            restore();
            return Err(e);
        }
        tty.set_active(true);
        drop(held);
        match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(terminal) => Ok(TermScreen {
                terminal,
                theme,
                render,
                tty,
            }),
            Err(e) => {
                tty.set_active(false);
                restore();
                Err(e)
            }
        }
    }
}

impl<M> Screen<M> for TermScreen<M> {
    fn draw(&mut self, app: &M) -> io::Result<()> {
        let tty = Arc::clone(&self.tty);
        let _held = tty.lock();
        if tty.suspended() {
            // stopped: the terminal is the shell's; the frame after SIGCONT repaints all
            return Ok(());
        }
        if tty.take_repaint() {
            // the screen was taken afresh: clear it and let the next frame be drawn over
            // blank buffers, so every cell is written (ratatui's own `clear` would ask the
            // terminal where its cursor is, and a bare pty never answers)
            execute!(self.terminal.backend_mut(), Clear(ClearType::All))?;
            self.terminal.current_buffer_mut().reset();
            self.terminal.swap_buffers();
        }
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
        let _held = self.tty.lock();
        self.tty.set_active(false);
        restore();
    }
}
