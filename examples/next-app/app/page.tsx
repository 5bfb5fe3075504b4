import { LoginManagement } from './login-management';

// The middleware lets this page render only for a signed-in device.
export default function AccountPage() {
  return (
    <>
      <h1>Your account</h1>
      <LoginManagement />
    </>
  );
}
